import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import Foundation
import Logging

/// One reconcile pass, as the leader runs it on its interval: bring the checkout up to date, load the
/// specs, sync the inventory and detect drift, apply the spec changes (unless detect-only), revert the
/// drift of resources whose `policy.drift` is `revert` (backing off a field that keeps coming back),
/// and resume unfinished sagas. Specs that do not load stop the apply, not the controller.
struct ReconcilePass: Sendable {
    let settings: ControllerSettings
    let store: Store
    let client: DigitalOceanClient
    let runner: SagaRunner
    let status: ControllerStatus
    let metrics: ControllerMetrics
    let events: ControllerEvents
    let owner: String
    let logger: Logger

    /// Reverts of one field in a row from which it is reported as a loop.
    static let revertLoopCount = 3

    func run(trigger: String) async -> ReconcileReport {
        let started = Date()
        let clock = ContinuousClock.now
        await status.started(trigger: trigger)
        var report = ReconcileReport(
            startedAt: started, durationSeconds: 0, result: .succeeded, commit: nil, trigger: trigger, changesPlanned: 0,
            sagasCompleted: 0, sagasNotCompleted: 0, sagasResumed: 0, driftOpen: 0, message: nil
        )
        do {
            try await reconcile(into: &report)
        } catch let error as StoreError where error.isApplyLockHeld {
            report.result = .busy
            report.message = error.description
        } catch is CancellationError {
            report.result = .error
            report.message = "stopped by a shutdown"
        } catch {
            report.result = .error
            report.message = "\(error)"
        }
        report.durationSeconds = (ContinuousClock.now - clock).timeInterval
        await status.finished(report)
        metrics.reconciled(result: report.result.rawValue, duration: ContinuousClock.now - clock)
        logger.log(level: report.result == .succeeded ? .info : .warning, "reconciled", metadata: [
            "arcadia.result": "\(report.result.rawValue)", "arcadia.trigger": "\(trigger)",
            "arcadia.duration_s": "\(String(format: "%.2f", report.durationSeconds))", "arcadia.commit": "\(report.commit ?? "-")",
            "arcadia.changes": "\(report.changesPlanned)", "arcadia.message": "\(report.message ?? "")",
        ])
        return report
    }

    /// Loads the spec folder into the status (every replica does, so each can say whether the specs
    /// load); returns why it did not load, if it did not.
    @discardableResult
    func loadSpecs() async -> SpecLoadError? {
        do {
            await status.specsLoaded(try SpecLoader.load(directory: settings.specs))
            return nil
        } catch let error as SpecLoadError {
            await status.specsFailed(error.diagnostics.map(\.diagnostic))
            return error
        } catch {
            let failure = SpecLoadError(diagnostics: [
                SpecDiagnostic(SourceLocation(path: settings.specs, line: 0, column: 0), "cannot be read: \(error)"),
            ])
            await status.specsFailed(failure.diagnostics.map(\.diagnostic))
            return failure
        }
    }

    private func reconcile(into report: inout ReconcileReport) async throws {
        var checkoutProblem: String?
        if let checkout = SpecCheckout(specs: settings.specs, remote: settings.gitRemote, branch: settings.gitBranch) {
            do {
                report.commit = try checkout.sync()
                await status.git(problem: nil)
            } catch {
                // Reconciled as it is checked out; the problem is shown until a sync works again.
                report.commit = try? checkout.head()
                await status.git(problem: "\(error)")
                checkoutProblem = "\(error)"
                logger.warning("the spec checkout could not be brought up to date", metadata: ["arcadia.error": "\(error)"])
            }
        }
        var desired: [DesiredResource]
        var specsLoad = true
        if let error = await loadSpecs() {
            report.result = .invalidSpecs
            report.message = "the specs under \(settings.specs) do not load (\(error.diagnostics.count) problem\(error.diagnostics.count == 1 ? "" : "s")); nothing is applied until they do"
            for diagnostic in error.diagnostics { logger.error("invalid spec: \(diagnostic.diagnostic.description)") }
            specsLoad = false
        }
        // Specs that do not load leave the last good ones for drift detection.
        guard let loaded = await status.lastGoodSpecs else { return }
        desired = loaded
        let openBefore = try await store.drift(status: .open)
        let holds = try await store.revertHolds()
        let now = Date()
        let held = Set(holds.filter { $0.holdUntil > now }.map(\.key))
        let applies = settings.applyChanges && specsLoad
        let specs = desired
        let holder = "arcadia controller, pid \(getpid()) on \(ProcessInfo.processInfo.hostName)"
        let outcome = try await store.withApplyLock(holder: holder, owner: owner) { () -> PassOutcome in
            let plan = try await Reconciler(client: client, store: store).plan(
                desired: specs, specsFolder: settings.specs, driftReverts: .byPolicy(holding: held)
            )
            var outcome = PassOutcome(plan: plan)
            await status.planned(errors: plan.errors)
            guard applies, plan.errors.isEmpty else { return outcome }
            if plan.hasChanges {
                let executor = PlanExecutor(runner: runner, parallelism: settings.parallelism, applyLockOwner: owner)
                outcome.applied = try await executor.apply(plan)
            }
            if !(runner.drain?.isDraining ?? false) {
                outcome.resumed = try await runner.resume(parallelism: settings.parallelism)
            }
            return outcome
        }
        let plan = outcome.plan
        report.changesPlanned = plan.changes.count
        if !plan.errors.isEmpty, report.result == .succeeded {
            report.result = .planErrors
            report.message = "the plan has \(plan.errors.count) error\(plan.errors.count == 1 ? "" : "s"); nothing was applied: "
                + plan.errors.map(\.description).joined(separator: "; ")
        }
        try await countSagas(outcome, into: &report)
        try await trackReverts(plan: plan, applied: outcome.applied, holds: holds, at: now)
        try await reportDrift(before: openBefore, into: &report)
        // A resource the plan left alone for an unfinished saga that this pass then resumed to its end
        // is not in the way any more: only what is still blocked fails the pass.
        let unfinished = plan.blocked.isEmpty ? [] : Set(try await store.unfinishedSagas().map(\.id))
        let blocked = plan.blocked.filter { blocked in blocked.sagaID.map(unfinished.contains) ?? true }
        if report.result == .succeeded, !blocked.isEmpty {
            report.result = .failed
            report.message = "left alone: " + blocked.map { "\($0.kind.rawValue)/\($0.name) (\($0.reason))" }.joined(separator: "; ")
        }
        // Reconciled, but from a checkout that could not follow its branch: the specs may be stale, and
        // a pass that says "succeeded" would hide that until someone reads the status.
        if report.result == .succeeded, let checkoutProblem {
            report.result = .failed
            report.message = "reconciled \(report.commit.map { "commit \($0.prefix(12))" } ?? "the checkout") as it is: it could not be brought up to date (\(checkoutProblem))"
        }
    }

    struct PassOutcome: Sendable {
        var plan: Plan
        var applied: PlanExecutor.Outcome?
        var resumed: [(id: String, status: SagaStatus)] = []
    }

    private func countSagas(_ outcome: PassOutcome, into report: inout ReconcileReport) async throws {
        var ended = outcome.applied?.sagas ?? []
        for (id, sagaStatus) in outcome.resumed {
            let record = try await store.saga(id: id)
            ended.append((id, record?.resourceKind ?? "unknown", record?.resourceName ?? "", sagaStatus))
        }
        report.sagasResumed = outcome.resumed.count
        for saga in ended {
            if saga.status == .completed { report.sagasCompleted += 1 } else { report.sagasNotCompleted += 1 }
            if saga.status.isFinal || saga.status == .failed { metrics.sagaEnded(kind: saga.kind, outcome: saga.status.rawValue) }
            if [SagaStatus.failed, .rolledBack].contains(saga.status) {
                await events.sagaFailed(id: saga.id, kind: saga.kind, name: saga.name, status: saga.status.rawValue)
            }
        }
        if report.result == .succeeded, report.sagasNotCompleted > 0 {
            report.result = .failed
            report.message = "\(report.sagasNotCompleted) saga\(report.sagasNotCompleted == 1 ? "" : "s") did not complete (GET /api/v1/sagas)"
        }
    }

    /// A field reverted again soon after its last revert is held off twice as long each time, up to
    /// 32 intervals; from the third revert in a row it is reported as a `revert_loop`. A field that
    /// stayed put for a pass starts counting again.
    private func trackReverts(plan: Plan, applied: PlanExecutor.Outcome?, holds: [RevertHold], at now: Date) async throws {
        let completed = Set((applied?.sagas ?? []).filter { $0.status == .completed }.map { "\($0.kind)/\($0.name)" })
        let drifting = Set(plan.drift.map { DriftReverts.key(kind: $0.kind, name: $0.name, field: $0.field) })
        for hold in holds where !drifting.contains(hold.key) {
            try await store.clearRevertHold(kind: hold.kind, name: hold.name, field: hold.field)
        }
        let interval = settings.interval.timeInterval
        for finding in plan.drift where finding.isRevertPlanned && completed.contains("\(finding.kind.rawValue)/\(finding.name)") {
            let hold = try await store.recordRevert(kind: finding.kind.rawValue, name: finding.name, field: finding.field, at: now) { count in
                interval * Double(1 << min(count - 1, 5))
            }
            if hold.count >= Self.revertLoopCount {
                logger.warning("revert loop: something keeps changing this field back; reverts are held off", metadata: [
                    "arcadia.resource": "\(finding.kind.rawValue)/\(finding.name)", "arcadia.field": "\(finding.field)",
                    "arcadia.reverts": "\(hold.count)", "arcadia.hold_until": "\(Store.timestamp(hold.holdUntil))",
                ])
                try await store.appendEvent(
                    kind: finding.kind.rawValue, name: finding.name, type: "revert_loop",
                    detail: "\(finding.field) reverted \(hold.count) times in a row; the next revert waits until \(Store.timestamp(hold.holdUntil))"
                )
                await events.revertLoop(hold)
            }
        }
    }

    private func reportDrift(before: [DriftRecord], into report: inout ReconcileReport) async throws {
        let open = try await store.drift(status: .open)
        report.driftOpen = open.count
        var counts = Dictionary(ResourceKind.allCases.map { ($0.rawValue, 0) }, uniquingKeysWith: { first, _ in first })
        for record in open { counts[record.kind, default: 0] += 1 }
        metrics.driftOpen(byKind: counts)
        let known = Set(before.map(\.id))
        for record in open where !known.contains(record.id) {
            metrics.driftDetected(kind: record.kind)
            await events.driftDetected(record)
        }
        let stillOpen = Set(open.map(\.id))
        for record in before where !stillOpen.contains(record.id) {
            if let closed = try await store.driftRecord(id: record.id) { await events.driftResolved(closed) }
        }
    }
}
