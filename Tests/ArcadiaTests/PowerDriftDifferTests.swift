import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import Testing

/// A spec'd droplet is meant to run: the power state as drift, with plain values.
@Suite struct PowerDriftDifferTests {
    static let source = SourceLocation(path: "specs/web.yaml", line: 1, column: 1)
    static let spec = DropletSpec(region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: ["web"])

    func diff(status: String, drift: ResourcePolicy.DriftAction) -> Differ.Result {
        let policy = ResourcePolicy(drift: drift)
        let desired = DesiredResource.droplet(name: "web", policy: policy, spec: (Self.spec), source: Self.source)
        let applied = AppliedResource.droplet(name: "web", resourceID: "1", spec: Self.spec, policy: policy, specVersion: 1)
        let live = LiveResource.droplet(id: "1", name: "web", region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: ["web"],
                               monitoring: false, ipv6: false, backups: false, vpc: nil, status: status, isManaged: true, sagaTag: nil)
        return Differ.diff(desired: [desired], applied: [applied], live: [live])
    }

    @Test func poweredOffWithPolicyReportIsReportedNotReverted() throws {
        let result = diff(status: "off", drift: .report)
        #expect(result.drift == [DriftFinding(kind: .droplet, name: "web", resourceID: "1", field: "status", expected: "active", actual: "off", isRevertPlanned: false)])
        #expect(result.changes.isEmpty)
        #expect(result.warnings.map(\.code) == ["drift_not_reverted"])
        let plan = Planner.plan(result, fingerprint: "f")
        #expect(!plan.isInSync, "open drift is not in sync, so --detailed-exitcode exits 2")
        let text = PlanRenderer(useColor: false).text(plan)
        #expect(text.hasPrefix("No changes to apply, but 1 drifted field is open"))
        #expect(text.contains("! drift web status: expected active, found off (reported only)"))
    }

    @Test func poweredOffWithPolicyRevertPlansAPowerOn() throws {
        let result = diff(status: "off", drift: .revert)
        #expect(result.drift.first?.isRevertPlanned == true)
        let change = try #require(result.changes.first)
        #expect(change.fields == [FieldChange(field: "status", from: "off", to: "active", isDriftRevert: true)])
        let planned = Planner.planned(change)
        #expect(planned.sagaKind == "power-on")
        #expect(planned.steps == ["PowerOn", "RecordApplied"])
        let text = PlanRenderer(useColor: false).text(Planner.plan(result, fingerprint: "f"))
        #expect(text.contains("~ power on web (status: off → active, drift)"))
    }

    @Test func aBootingDropletIsNotDrift() {
        let result = diff(status: "new", drift: .revert)
        #expect(result.drift.isEmpty && result.changes.isEmpty && result.warnings.isEmpty)
        #expect(Planner.plan(result, fingerprint: "f").isInSync)
    }

    /// A droplet with an unfinished saga (a resize killed after PowerOff) is blocked, not drift.
    @Test func aDropletOffBecauseOfAnUnfinishedSagaIsBlockedNotDrift() {
        let policy = ResourcePolicy(drift: .revert)
        let desired = DesiredResource.droplet(name: "web", policy: policy, spec: (Self.spec), source: Self.source)
        let applied = AppliedResource.droplet(name: "web", resourceID: "1", spec: Self.spec, policy: policy, specVersion: 1)
        let live = LiveResource.droplet(id: "1", name: "web", region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: ["web"],
                               monitoring: false, ipv6: false, backups: false, vpc: nil, status: "off", isManaged: true, sagaTag: nil)
        let saga = UnfinishedSaga(id: "s", kind: "resize", status: "running", resourceKind: "Droplet", resourceName: "web")
        let result = Differ.diff(desired: [desired], applied: [applied], live: [live], unfinishedSagas: [saga])
        #expect(result.drift.isEmpty && result.changes.isEmpty)
        #expect(result.blocked.count == 1)
    }

    /// A spec whose name an unmanaged droplet already has: warned, at the spec's position.
    @Test func aNameClashWithAnUnmanagedDropletIsWarnedAtTheSpec() throws {
        let location = SourceLocation(path: "specs/web.yaml", line: 4, column: 9)
        let desired = DesiredResource.droplet(name: "web", spec: (Self.spec), source: location)
        let stranger = LiveResource.droplet(id: "7", name: "web", region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: [],
                                   monitoring: false, ipv6: false, backups: false, vpc: nil, status: "active", isManaged: false, sagaTag: nil)
        let result = Differ.diff(desired: [desired], applied: [], live: [stranger])
        #expect(result.changes.map(\.action) == [.create])
        let warning = try #require(result.warnings.first)
        #expect(warning.code == "name_clash_unmanaged")
        #expect(warning.description.hasPrefix("specs/web.yaml:4:9: "))
        #expect(warning.description.contains("already exists (id 7)"))
        #expect(warning.description.contains("run `arcadia import --kind Droplet --name"))
    }

    @Test func theHeadlineOfAPlanWithErrorsSaysApplyWouldChangeNothing() {
        var plan = Planner.plan(Differ.diff(desired: [DesiredResource.droplet(name: "web", spec: (Self.spec), source: Self.source)], applied: [], live: []), fingerprint: "f")
        plan.errors.append(Diagnostic(code: "unknown_size", kind: "Droplet", name: "web", location: Self.source, message: "no such size"))
        let renderer = PlanRenderer(useColor: false)
        let text = renderer.text(plan)
        #expect(text.hasPrefix("This plan has 1 error (on standard error); apply would change nothing. Once they are fixed, Arcadia would make 1 change:"))
        #expect(text.contains("Plan (not applicable, 1 error): 1 to create"))
        #expect(!text.contains("error:"), "errors are for standard error")
        #expect(renderer.diagnostics(plan) == ["error: specs/web.yaml:1:1: no such size"])
    }
}
