import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import Testing

/// The three-way diff with plain values: no server, no file.
@Suite struct DifferTests {
    static let source = SourceLocation(path: "specs/web.yaml", line: 1, column: 1)

    func desired(_ name: String, size: String = "s-1vcpu-1gb", image: String = "ubuntu-24-04-x64", policy: ResourcePolicy = ResourcePolicy()) -> DesiredResource {
        DesiredResource.droplet(name: name, policy: policy, spec: DropletSpec(region: "nyc3", size: size, image: image, tags: ["web"]), source: Self.source)
    }

    func applied(_ name: String, id: String, size: String = "s-1vcpu-1gb", policy: ResourcePolicy = ResourcePolicy()) -> AppliedResource {
        AppliedResource.droplet(name: name, resourceID: id, spec: DropletSpec(region: "nyc3", size: size, image: "ubuntu-24-04-x64", tags: ["web"]), policy: policy, specVersion: 1)
    }

    func live(_ name: String, id: String, size: String = "s-1vcpu-1gb", tags: [String] = ["web"], managed: Bool = true) -> LiveResource {
        LiveResource.droplet(id: id, name: name, region: "nyc3", size: size, image: "ubuntu-24-04-x64", tags: tags, monitoring: false,
                    ipv6: false, backups: false, vpc: nil, status: "active", isManaged: managed, sagaTag: nil)
    }

    @Test func inSyncMeansNoChanges() {
        let result = Differ.diff(desired: [desired("web")], applied: [applied("web", id: "1")], live: [live("web", id: "1")])
        #expect(result.changes.isEmpty && result.drift.isEmpty && result.errors.isEmpty)
    }

    @Test func specChangeIsIntentNotDrift() {
        let result = Differ.diff(desired: [desired("web", size: "s-2vcpu-2gb")], applied: [applied("web", id: "1")], live: [live("web", id: "1")])
        #expect(result.drift.isEmpty)
        #expect(result.changes.first?.fields == [FieldChange(field: "size", from: "s-1vcpu-1gb", to: "s-2vcpu-2gb")])
        #expect(Planner.planned(result.changes[0]).sagaKind == "resize")
    }

    @Test func liveChangeWithUnchangedSpecIsDrift() {
        let result = Differ.diff(desired: [desired("web")], applied: [applied("web", id: "1")], live: [live("web", id: "1", size: "s-4vcpu-8gb")])
        #expect(result.drift == [DriftFinding(kind: .droplet, name: "web", resourceID: "1", field: "size", expected: "s-1vcpu-1gb", actual: "s-4vcpu-8gb", isRevertPlanned: true)])
        #expect(result.changes.first?.fields.first?.isDriftRevert == true)
    }

    @Test func specCatchingUpWithLiveOnlyUpdatesTheRecord() {
        let result = Differ.diff(desired: [desired("web", size: "s-4vcpu-8gb")], applied: [applied("web", id: "1")],
                                 live: [live("web", id: "1", size: "s-4vcpu-8gb")])
        #expect(result.drift.isEmpty)
        #expect(result.changes.first?.fields == [FieldChange(field: "size", from: "s-1vcpu-1gb", to: "s-4vcpu-8gb", isAlreadyLive: true)])
        #expect(Planner.planned(result.changes[0]).steps == ["RecordApplied"])
    }

    @Test func ignoredFieldsAreNeverDiffed() {
        let policy = ResourcePolicy(ignore: ["size"])
        let result = Differ.diff(desired: [desired("web", policy: policy)], applied: [applied("web", id: "1", policy: policy)],
                                 live: [live("web", id: "1", size: "s-4vcpu-8gb")])
        #expect(result.changes.isEmpty && result.drift.isEmpty)
    }

    @Test func tagDriftIsRevertedInPlace() {
        let result = Differ.diff(desired: [desired("web")], applied: [applied("web", id: "1")], live: [live("web", id: "1", tags: ["web", "extra"])])
        #expect(result.drift.map(\.field) == ["tags"])
        #expect(result.drift.first?.isRevertPlanned == true)
        #expect(result.warnings.isEmpty)
        #expect(result.changes.first?.fields == [FieldChange(field: "tags", from: "[extra, web]", to: "[web]", isDriftRevert: true)])
        #expect(Planner.planned(result.changes[0]).steps == ["SetDropletTags", "RecordApplied"])
    }

    @Test func tagsCompareCaseInsensitivelyAsSets() {
        let result = Differ.diff(desired: [desired("web")], applied: [applied("web", id: "1")], live: [live("web", id: "1", tags: ["WEB"])])
        #expect(result.drift.isEmpty)
    }

    @Test func imageChangeIsAReplacementUnlessProtected() {
        let replace = Differ.diff(desired: [desired("web", image: "debian-12-x64")], applied: [applied("web", id: "1")], live: [live("web", id: "1")])
        #expect(replace.changes.map(\.action) == [.replace])
        #expect(Planner.planned(replace.changes[0]).steps == ["CreateDroplet", "WaitDropletActive", "DestroyDroplet", "RegisterDroplet"])

        let protected = ResourcePolicy(protect: true)
        let refused = Differ.diff(desired: [desired("web", image: "debian-12-x64", policy: protected)],
                                  applied: [applied("web", id: "1", policy: protected)], live: [live("web", id: "1")])
        #expect(refused.changes.isEmpty)
        #expect(refused.errors.first?.description.hasPrefix("specs/web.yaml:1:1: changing image of droplet 'web' needs a replacement") == true)
    }

    @Test func removedSpecDestroysOnlyWhatThisStateApplied() {
        let result = Differ.diff(
            desired: [],
            applied: [applied("web", id: "1")],
            live: [live("web", id: "1"), live("other", id: "2"), live("hand", id: "3", managed: false)]
        )
        #expect(result.changes.map(\.action) == [.destroy])
        #expect(result.changes.first?.resourceID == "1")
        #expect(result.unmanagedCount == 1)
        #expect(result.foreignManagedCount == 1, "a managed droplet from another state is left alone")
    }

    @Test func removedSpecOfAVanishedDropletOnlyForgetsIt() {
        let result = Differ.diff(desired: [], applied: [applied("web", id: "1")], live: [])
        #expect(result.changes.first?.isResourceGone == true)
        #expect(Planner.planned(result.changes[0]).steps == ["ForgetDroplet"])
        #expect(Planner.planned(result.changes[0]).irreversible.isEmpty)
    }

    @Test func vanishedDropletIsRecreated() {
        let result = Differ.diff(desired: [desired("web")], applied: [applied("web", id: "1")], live: [])
        #expect(result.changes.map(\.action) == [.create])
        #expect(result.changes.first?.reason?.contains("deleted outside Arcadia") == true)
    }

    @Test func managedDropletWithTheSameNameIsNotDuplicated() {
        let result = Differ.diff(desired: [desired("web")], applied: [], live: [live("web", id: "9")])
        #expect(result.changes.isEmpty)
        #expect(result.errors.count == 1)
    }

    @Test func resizeDiskIsMarkedIrreversible() {
        var resource = desired("web", size: "s-2vcpu-2gb")
        resource.spec = DropletSpec(region: "nyc3", size: "s-2vcpu-2gb", image: "ubuntu-24-04-x64", tags: ["web"], resizeDisk: true).resourceSpec
        var record = applied("web", id: "1")
        record.spec["resizeDisk"] = .bool(true)
        let result = Differ.diff(desired: [resource], applied: [record], live: [live("web", id: "1")])
        let planned = Planner.planned(result.changes[0])
        #expect(planned.irreversible.count == 1)
        #expect(planned.irreversible.first?.contains("never") == true)
    }

    @Test func fingerprintFollowsTheWorld() {
        let a = Fingerprint.make(desired: [desired("web")], applied: [], live: [])
        #expect(a == Fingerprint.make(desired: [desired("web")], applied: [], live: []))
        #expect(a != Fingerprint.make(desired: [desired("web", size: "s-2vcpu-2gb")], applied: [], live: []))
        #expect(a != Fingerprint.make(desired: [desired("web")], applied: [], live: [live("x", id: "5", managed: false)]))
    }
}
