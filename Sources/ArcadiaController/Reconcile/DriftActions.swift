import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import Foundation
import Logging

/// The drift inbox's writes as the API makes them, each under the state's apply lock and as the
/// caller (their token's name goes into the events): accept and ignore edit the spec (see
/// ``AcceptOutcome``), revert writes its saga and runs it in the background.
struct DriftActions: Sendable {
    let settings: ControllerSettings
    let store: Store
    let client: DigitalOceanClient
    let owner: String
    let makeRunner: @Sendable (Store) -> SagaRunner
    let work: BackgroundWork
    let logger: Logger

    struct AcceptOutcome: Encodable, Sendable {
        var status: String
        var driftID: Int
        var patch: String
        var file: String
        /// The commit pushed (`--git-push`).
        var commit: String?
        /// Recorded in the state only: the checkout is git and the controller does not push.
        var pending: Bool
        var pushError: String?

        enum CodingKeys: String, CodingKey {
            case status, patch, file, commit, pending
            case driftID = "drift_id", pushError = "push_error"
        }
    }

    /// Accept (`ignore` false) or ignore one open record. With `--git-push` the edit is committed as
    /// the caller and pushed; in a git checkout without it, it is recorded and the patch returned; in a
    /// plain directory the file is edited in place.
    func resolve(_ id: Int, ignore: Bool, by caller: Caller) async throws -> AcceptOutcome {
        let record = try await openRecord(id)
        let store = self.store.acting(as: caller.name)
        let checkout = SpecCheckout(specs: settings.specs, remote: settings.gitRemote, branch: settings.gitBranch)
        let specs = settings.specs
        let writing: DriftAcceptor.Writing
        if let checkout, !settings.gitPush {
            writing = .stateOnly(patchPath: { checkout.relativePath(of: $0) })
        } else {
            writing = .file
        }
        let edit = try await locked(for: "drift \(ignore ? "ignore" : "accept")") {
            let acceptor = DriftAcceptor(client: client, store: store)
            do {
                return ignore
                    ? try await acceptor.ignore(record, specs: specs, writing: writing)
                    : try await acceptor.accept(record, specs: specs, writing: writing)
            } catch let refusal as DriftNotAcceptable {
                throw APIError(.unprocessableContent, "not_acceptable", ["detail": "\(refusal)"])
            } catch let closed as DriftNotOpen {
                throw APIError.alreadyResolved(closed.status?.rawValue ?? "unknown")
            } catch let busy as DriftResourceBusy {
                throw Self.conflict(busy)
            }
        }
        let subject = "\(record.kind)/\(record.name).\(record.field)"
        var outcome = AcceptOutcome(
            status: ignore ? "ignored" : "accepted", driftID: id, patch: edit.patch(path: checkout.map { $0.relativePath(of: edit.file) }),
            file: edit.file, pending: writing.isStateOnly
        )
        if let checkout, settings.gitPush, edit.after != edit.before {
            do {
                outcome.commit = try checkout.commitAndPush(edit.file, message: "arcadia: \(ignore ? "ignore" : "accept") drift \(subject)", author: caller.name)
            } catch {
                outcome.pushError = "\(error)"
                logger.error("an accepted edit was committed but not pushed", metadata: ["arcadia.drift": "\(id)", "arcadia.error": "\(error)"])
            }
        }
        return outcome
    }

    /// Plans the record's resource alone with its drift reverted, writes the saga, and runs it in the
    /// background; returns the saga's id at once.
    func revert(_ id: Int, by caller: Caller) async throws -> String {
        let record = try await openRecord(id)
        let desired: [DesiredResource]
        do {
            desired = try SpecLoader.load(directory: settings.specs)
        } catch let error as SpecLoadError {
            throw APIError(.unprocessableContent, "invalid_specs", ["detail": "the specs do not load (\(error.diagnostics.count) problems; GET /api/v1/status)"])
        }
        let store = self.store.acting(as: caller.name)
        let runner = makeRunner(store)
        let (owner, client) = (self.owner, self.client)
        let inserted = try await locked(for: "drift revert") { () -> PlanExecutor.Inserted in
            // Read again under the lock: an accept, an ignore or another revert may have come first.
            do {
                try await DriftAcceptor.requireStillOpen(record, in: store)
            } catch let closed as DriftNotOpen {
                throw closed.status.map { APIError.alreadyResolved($0.rawValue) } ?? APIError.notFound("drift record \(id) is gone from the state")
            } catch let busy as DriftResourceBusy {
                throw Self.conflict(busy)
            }
            let outcome = try await DriftReverter(reconciler: Reconciler(client: client, store: store)).plan(reverting: [record], desired: desired)
            if let refused = outcome.refused.first {
                throw APIError(.unprocessableContent, "not_revertible", ["detail": refused.reason])
            }
            guard outcome.plan.hasChanges else {
                throw APIError(.unprocessableContent, "not_revertible", ["detail": "the plan has nothing to revert"])
            }
            return try await PlanExecutor(runner: runner, applyLockOwner: owner).insert(outcome.plan)
        }
        guard let saga = inserted.sagas.first else {
            throw APIError(.unprocessableContent, "not_revertible", ["detail": "the plan has nothing to revert"])
        }
        work.start("revert drift \(id)") {
            _ = try await PlanExecutor(runner: runner).run(inserted)
        }
        return saga.id
    }

    /// What ``revert(_:by:)`` would run for one open record, planned from the specs this replica last
    /// loaded and the inventory as last synced: no lock, no request to DigitalOcean, nothing written.
    /// A record that cannot be reverted says why instead.
    func previewRevert(_ id: Int, specs: [DesiredResource]?) async throws -> RevertPreview {
        let record = try await openRecord(id)
        var preview = RevertPreview(driftID: id, resource: "\(record.kind)/\(record.name)", field: record.field, revertible: false)
        guard let specs else {
            preview.reason = "the specs have not loaded yet"
            return preview
        }
        let outcome = try await DriftReverter(reconciler: Reconciler(client: client, store: store)).plan(reverting: [record], desired: specs, preview: true)
        if let refused = outcome.refused.first {
            preview.reason = refused.reason
        } else if let planned = outcome.plan.changes.first {
            preview.revertible = true
            preview.sagaKind = planned.sagaKind
            preview.steps = planned.steps
            preview.irreversible = planned.irreversible
            preview.changes = planned.change.fields.map { RevertPreview.FieldMove(field: $0.field, from: $0.from, to: $0.to) }
        } else {
            preview.reason = "the plan has nothing to revert"
        }
        return preview
    }

    /// 409: a saga is still working on the record's resource.
    static func conflict(_ busy: DriftResourceBusy) -> APIError {
        APIError(.conflict, "resource_busy", ["saga_id": busy.sagaID, "detail": busy.description])
    }

    private func openRecord(_ id: Int) async throws -> DriftRecord {
        guard let record = try await store.driftRecord(id: id) else { throw APIError.notFound("no drift record \(id); GET /api/v1/drift lists the open ones") }
        guard record.status == .open else { throw APIError.alreadyResolved(record.status.rawValue) }
        return record
    }

    /// Runs `body` under the apply lock, waiting up to ten seconds for another holder (a reconcile
    /// pass, a CLI apply) to finish; then a 503 that says who holds it.
    private func locked<T: Sendable>(for what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                return try await store.withApplyLock(
                    holder: "arcadia controller (\(what)), pid \(getpid()) on \(ProcessInfo.processInfo.hostName)", owner: owner, body
                )
            } catch let error as StoreError where error.isApplyLockHeld {
                guard ContinuousClock.now < deadline else { throw APIError(.serviceUnavailable, "busy", ["detail": error.description]) }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}

extension SpecCheckout {
    /// `path` relative to the top of the work tree, as a patch names it.
    func relativePath(of path: String) -> String {
        let top = (try? tree.git(["rev-parse", "--show-toplevel"]))?.output.trimmed ?? ""
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let root = URL(fileURLWithPath: top).standardizedFileURL.resolvingSymlinksInPath().path
        guard !top.isEmpty, absolute.hasPrefix(root + "/") else { return path }
        return String(absolute.dropFirst(root.count + 1))
    }
}
