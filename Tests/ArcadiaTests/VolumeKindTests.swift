import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The Volume kind: a stack of key, droplet and attached volume from nothing to nothing, drift of every
/// field that can drift, and each change a volume can go through, against the simulator over real HTTP.
@Suite struct VolumeKindTests {
    static let deployKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKmC3Ql1Zq7Jm0s8B4q2lX9WcY0W3aZ7pT6jJr0kq1Vb deploy@ci"

    static func volumeSpec(
        _ name: String = "data-1", size: Int = 100, region: String = "nyc3", filesystem: String? = "ext4", tags: [String] = ["app"],
        attachTo: String? = "web", policy: String = ""
    ) -> String {
        var lines = ["apiVersion: arcadia/v1", "kind: Volume", "metadata: {name: \(name)}", "spec:", "  region: \(region)", "  sizeGigabytes: \(size)"]
        if let filesystem { lines.append("  filesystemType: \(filesystem)") }
        lines.append("  description: app data")
        lines.append("  tags: [\(tags.joined(separator: ", "))]")
        if let attachTo { lines.append("  attachTo: \(attachTo)") }
        return lines.joined(separator: "\n") + "\n" + policy
    }

    static let keySpec = "apiVersion: arcadia/v1\nkind: SSHKey\nmetadata: {name: deploy}\nspec:\n  publicKey: \(deployKey)\n"

    /// A droplet that installs the `deploy` key by its spec's name and has its power drift reverted.
    static func stackDroplet(_ name: String = "web") -> String {
        dropletSpec(name: name, policy: "policy:\n  drift: revert\n")
            .replacingOccurrences(of: "tags: [web]", with: "tags: [web]\n  sshKeys: [deploy]")
    }

    /// The one volume named `name`.
    static func volume(_ loop: ReconcileLoop, _ name: String = "data-1") async throws -> Volume {
        let volumes = try await loop.sim.client.listVolumes(name: name)
        try #require(volumes.count == 1, "exactly one volume named \(name), found \(volumes.count)")
        return volumes[0]
    }

    /// A volume action run "by hand", as an operator using the API directly would, followed to its end.
    static func byHand(_ sim: SimulatorHarness, _ request: VolumeActionRequest, volumeID: String) async throws {
        let action = try await sim.client.performVolumeAction(volumeID: volumeID, request)
        var current = action
        for _ in 0..<2_000 where !current.isDone {
            sim.advance(byDigitalOceanSeconds: 5)
            current = try await sim.client.getVolumeAction(volumeID: volumeID, actionID: action.id)
        }
        try #require(current.status == "completed", "the \(request.type) by hand completed")
    }

    static func dropletID(_ loop: ReconcileLoop, _ name: String) async throws -> Int {
        try #require(try await loop.droplets(named: name).first).id
    }

    // MARK: The stack

    /// The issue's stack: SSHKey → Droplet (using the key by name) → Volume (attached). It applies from
    /// nothing in that order, plans clean, survives drift on every field that can drift (the volume's
    /// size, attachment and tags; the droplet's size, power, tags and backups), and goes in reverse when its specs are
    /// removed, leaving nothing behind.
    @Test(arguments: StoreEngine.allCases) func theStackAppliesPlansCleanSurvivesDriftAndGoesInReverse(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["deploy.yaml": Self.keySpec, "web.yaml": Self.stackDroplet(), "data-1.yaml": Self.volumeSpec()])
            let plan = try await loop.plan()
            #expect(plan.errors.isEmpty, "\(plan.errors)")
            #expect(plan.changes.map(\.change.key) == ["SSHKey/deploy", "Droplet/web", "Volume/data-1"])
            #expect(plan.changes.map(\.after) == [[], ["SSHKey/deploy"], ["Droplet/web"]])
            #expect(plan.changes.last?.steps == ["CreateVolume", "AttachVolume", "RegisterVolume"])
            #expect(plan.changes.last?.summary == "Volume, nyc3, 100 GiB, ext4, attached to web")
            #expect(try await loop.apply(plan).isSuccess)

            let web = try await Self.dropletID(loop, "web")
            var volume = try await Self.volume(loop)
            #expect(volume.dropletIDs == [web], "attached to the droplet created in the same apply, by the id its saga recorded")
            #expect(volume.sizeGigabytes == 100 && volume.filesystemType == "ext4" && volume.description == "app data")
            #expect(volume.tags.contains("app") && volume.tags.contains(Ownership.managedTag))
            #expect(volume.tags.contains { $0.hasPrefix(Ownership.sagaTagPrefix) })
            #expect(try await loop.store.provisioned(kind: "Volume").first?.resourceID == volume.id)
            #expect(try await loop.plan().isInSync)

            // Drift by hand on every field that can drift.
            try await Self.byHand(loop.sim, .resize(sizeGigabytes: 150, region: "nyc3"), volumeID: volume.id)
            try await Self.byHand(loop.sim, .detach(dropletID: web, region: "nyc3"), volumeID: volume.id)
            try await loop.sim.client.untagResources(tag: "app", volumes: [volume.id])
            try await loop.sim.client.tagResources(tag: try await loop.sim.client.createTag(name: "scratch"), volumes: [volume.id])
            try await loop.sim.client.tagResources(tag: try await loop.sim.client.createTag(name: "scratch"), droplets: [web])
            try await loop.sim.performByHand(.enableBackups, dropletID: web)
            try await loop.sim.performByHand(.powerOff, dropletID: web)
            try await loop.sim.performByHand(.resize(to: "s-1vcpu-2gb", disk: false), dropletID: web)

            let drifted = try await loop.plan()
            #expect(Set(drifted.drift.map { "\($0.kind.rawValue)/\($0.name) \($0.field) \($0.isRevertPlanned)" }) == [
                "Volume/data-1 sizeGigabytes false", "Volume/data-1 attachTo true", "Volume/data-1 tags true",
                "Droplet/web size true", "Droplet/web status true", "Droplet/web tags true", "Droplet/web backups true",
            ])
            let sizeWarning = try #require(drifted.warnings.first { $0.kind == "Volume" })
            #expect(sizeWarning.code == "drift_not_revertible")
            #expect(sizeWarning.message.contains("volumes never shrink"))
            #expect(drifted.changes.map(\.change.key) == ["Droplet/web", "Volume/data-1"])
            #expect(drifted.changes.last?.after == ["Droplet/web"], "the droplet is back on before the volume is attached to it")
            #expect(drifted.changes.last?.steps == ["SetVolumeTags", "AttachVolume", "RecordApplied"])
            // An attachment drift cannot be taken into the spec: DigitalOcean names a droplet id, the spec a Droplet spec.
            let detached = try #require(try await loop.store.drift(status: .open).first { $0.field == "attachTo" })
            await #expect(throws: DriftNotAcceptable.self) {
                try await DriftAcceptor(client: loop.sim.client, store: loop.store).accept(detached, specs: loop.specs.path)
            }
            #expect(try await loop.apply(drifted).isSuccess)

            volume = try await Self.volume(loop)
            #expect(volume.dropletIDs == [web])
            #expect(Set(volume.tags.filter { !Ownership.isOwnershipTag($0) }) == ["app"])
            let droplet = try await loop.sim.client.getDroplet(id: web)
            #expect(droplet.sizeSlug == "s-1vcpu-1gb" && droplet.status == "active" && !droplet.features.contains("backups"))
            #expect(Set(droplet.tags.filter { !Ownership.isOwnershipTag($0) }) == ["web"])
            #expect(Set(try await loop.store.drift(status: .reverted).map { "\($0.kind)/\($0.field)" }) == [
                "Volume/attachTo", "Volume/tags", "Droplet/size", "Droplet/status", "Droplet/tags", "Droplet/backups",
            ])
            // The grown volume cannot shrink back: the drift stays open until the spec takes the size.
            let grown = try await loop.plan()
            #expect(grown.changes.isEmpty && grown.drift.map(\.field) == ["sizeGigabytes"] && !grown.isInSync)
            let record = try #require(try await loop.store.drift(status: .open).first)
            let edit = try await DriftAcceptor(client: loop.sim.client, store: loop.store).accept(record, specs: loop.specs.path)
            #expect(edit.after == Self.volumeSpec(size: 150), "only the value changed in the file")
            #expect(try await loop.store.drift(status: .accepted).map(\.field) == ["sizeGigabytes"])
            #expect(try await loop.plan().isInSync)

            // Every spec removed: the volume is detached and deleted, then the droplet goes, the key last.
            for file in ["deploy.yaml", "web.yaml", "data-1.yaml"] { try loop.remove(file) }
            let teardown = try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true)
            #expect(teardown.changes.map(\.change.key) == ["Volume/data-1", "Droplet/web", "SSHKey/deploy"])
            #expect(teardown.changes.map(\.after) == [[], ["Volume/data-1"], ["Droplet/web"]])
            #expect(teardown.changes.first?.steps == ["DetachVolume", "DestroyVolume", "ForgetVolume"])
            #expect(teardown.changes.first?.irreversible.first?.contains("the data is lost") == true)
            #expect(try await loop.apply(teardown).isSuccess)
            #expect(try await loop.sim.client.listVolumes().isEmpty)
            #expect(try await loop.sim.client.listDroplets().isEmpty)
            #expect(try await loop.sim.client.listSSHKeys().isEmpty)
            #expect(try await loop.sim.client.listSnapshots().isEmpty)
            #expect(try await loop.store.provisioned().isEmpty)
            #expect(try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true).isInSync)
        }
    }

    // MARK: Changes

    @Test func aSmallerSizeIsAPlanErrorAtTheFieldsPosition() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["data-1.yaml": Self.volumeSpec(attachTo: nil)])
            #expect(try await loop.planAndApply())
            try loop.write(["data-1.yaml": Self.volumeSpec(size: 50, attachTo: nil)])
            let plan = try await loop.plan()
            #expect(plan.changes.isEmpty)
            let error = try #require(plan.errors.first)
            #expect(error.code == "change_impossible")
            #expect(error.location?.line == 6 && error.location?.column == 18, "at sizeGigabytes' value: \(error)")
            #expect(error.message == "volume 'data-1': volumes never shrink: it is 100 GiB and cannot become 50; set sizeGigabytes to 100 or more")
        }
    }

    /// A larger size grows the volume in place, once, and the plan says it cannot be undone.
    @Test func aLargerSizeGrowsTheVolumeInPlace() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["data-1.yaml": Self.volumeSpec(attachTo: nil)])
            #expect(try await loop.planAndApply())
            let id = try await Self.volume(loop).id
            try loop.write(["data-1.yaml": Self.volumeSpec(size: 200, attachTo: nil)])
            let plan = try await loop.plan()
            #expect(plan.changes.map(\.sagaKind) == ["resize"])
            #expect(plan.changes.first?.steps == ["ResizeVolume", "RecordApplied"])
            #expect(plan.changes.first?.irreversible == ["grows volume \(id) to 200 GiB: volumes never shrink"])
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await Self.volume(loop).sizeGigabytes == 200)
            #expect(try await loop.sim.client.recentVolumeActions(volumeID: id).map(\.type) == ["resize_volume"])
            #expect(try await loop.plan().isInSync)
        }
    }

    /// attachTo naming another droplet moves the volume: detached from the first, attached to the
    /// second; naming a droplet the same plan creates attaches it once that droplet exists; no
    /// attachTo detaches it.
    @Test func movingAttachToDetachesAndAttaches() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web-1.yaml": dropletSpec(name: "web-1"), "web-2.yaml": dropletSpec(name: "web-2"), "data-1.yaml": Self.volumeSpec(attachTo: "web-1")])
            #expect(try await loop.planAndApply())
            let (first, second) = (try await Self.dropletID(loop, "web-1"), try await Self.dropletID(loop, "web-2"))
            #expect(try await Self.volume(loop).dropletIDs == [first])

            try loop.write(["data-1.yaml": Self.volumeSpec(attachTo: "web-2")])
            let move = try await loop.plan()
            #expect(move.changes.map(\.sagaKind) == ["move"])
            #expect(move.changes.first?.steps == ["DetachVolume", "AttachVolume", "RecordApplied"])
            #expect(move.changes.first?.change.fields.map { "\($0.field): \($0.from ?? "-") → \($0.to ?? "-")" } == ["attachTo: \(first) → \(second)"])
            #expect(try await loop.apply(move).isSuccess)
            #expect(try await Self.volume(loop).dropletIDs == [second])
            #expect(try await loop.plan().isInSync)

            // A droplet created in the same plan: its id is not known when planning.
            try loop.write(["web-3.yaml": dropletSpec(name: "web-3"), "data-1.yaml": Self.volumeSpec(attachTo: "web-3")])
            let toNew = try await loop.plan()
            #expect(toNew.changes.map(\.change.key) == ["Droplet/web-3", "Volume/data-1"])
            #expect(toNew.changes.last?.change.fields.first?.to == "web-3 (not created yet)")
            #expect(toNew.changes.last?.after == ["Droplet/web-3"])
            #expect(try await loop.apply(toNew).isSuccess)
            #expect(try await Self.volume(loop).dropletIDs == [try await Self.dropletID(loop, "web-3")])
            #expect(try await loop.plan().isInSync)

            try loop.write(["data-1.yaml": Self.volumeSpec(attachTo: nil)])
            let detach = try await loop.plan()
            #expect(detach.changes.map(\.sagaKind) == ["detach"])
            #expect(try await loop.apply(detach).isSuccess)
            #expect(try await Self.volume(loop).dropletIDs.isEmpty)
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A new filesystem means a new volume: in the same region the old one goes first (one volume of a
    /// name per region), snapshotted when the policy says so, and the new one takes its attachment.
    @Test func aNewFilesystemReplacesTheVolumeAndMovesTheAttachment() async throws {
        try await ReconcileLoop.with { loop in
            let policy = "policy:\n  snapshotBeforeDestroy: true\n"
            try loop.write(["web.yaml": dropletSpec(name: "web"), "data-1.yaml": Self.volumeSpec(policy: policy)])
            #expect(try await loop.planAndApply())
            let old = try await Self.volume(loop)
            try loop.write(["data-1.yaml": Self.volumeSpec(filesystem: "xfs", policy: policy)])
            let plan = try await loop.plan()
            #expect(plan.changes.map(\.change.action) == [.replace])
            #expect(plan.changes.first?.steps == ["DetachVolume", "SnapshotVolume", "DestroyVolume", "CreateVolume", "AttachVolume", "RegisterVolume"])
            #expect(plan.changes.first?.irreversible.first?.contains("a snapshot of it is taken first and kept") == true)
            let outcome = try await loop.apply(plan)
            #expect(outcome.isSuccess)
            let new = try await Self.volume(loop)
            #expect(new.id != old.id && new.filesystemType == "xfs")
            #expect(new.dropletIDs == [try await Self.dropletID(loop, "web")])
            let sagaTag = Ownership.sagaTag(forSagaID: try #require(outcome.sagas.first?.id))
            let snapshots = try await loop.sim.client.listSnapshots(resourceType: "volume")
            #expect(snapshots.map(\.name) == ["data-1-arcadia-\(sagaTag.dropFirst(Ownership.sagaTagPrefix.count))"])
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A droplet replaced under an attached volume: the same plan moves the volume to the replacement,
    /// after the replace (DigitalOcean detaches a destroyed droplet's volumes), so one apply leaves it
    /// attached and the next plan is clean rather than calling Arcadia's own doing drift.
    @Test func aReplacedDropletTakesItsVolumeAlongInTheSameApply() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web"), "data-1.yaml": Self.volumeSpec()])
            #expect(try await loop.planAndApply())
            try loop.write(["web.yaml": dropletSpec(name: "web", image: "debian-12-x64")])
            let plan = try await loop.plan()
            #expect(plan.changes.map(\.change.key) == ["Droplet/web", "Volume/data-1"])
            #expect(plan.changes.last?.after == ["Droplet/web"])
            #expect(plan.changes.last?.change.fields.map(\.field) == ["attachTo"])
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await Self.volume(loop).dropletIDs == [try await Self.dropletID(loop, "web")])
            let next = try await loop.plan()
            #expect(next.isInSync, "\(next.changes.map(\.change.key)) \(next.drift)")
        }
    }

    /// A volume in another region can stand beside the old one, so a region change creates first.
    @Test func aNewRegionCreatesTheNewVolumeFirst() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["data-1.yaml": Self.volumeSpec(attachTo: nil)])
            #expect(try await loop.planAndApply())
            try loop.write(["data-1.yaml": Self.volumeSpec(region: "sfo3", attachTo: nil)])
            let plan = try await loop.plan()
            #expect(plan.changes.first?.steps == ["CreateVolume", "DetachVolume", "DestroyVolume", "RegisterVolume"])
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await Self.volume(loop).region == "sfo3")
            #expect(try await loop.plan().isInSync)
        }
    }

    /// Destroying with `snapshotBeforeDestroy`: the volume is snapshotted under the saga's name, and the
    /// snapshot outlives it.
    @Test func aDestroyWithSnapshotBeforeDestroyKeepsASnapshot() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web"), "data-1.yaml": Self.volumeSpec(policy: "policy:\n  snapshotBeforeDestroy: true\n")])
            #expect(try await loop.planAndApply())
            try loop.remove("data-1.yaml")
            let plan = try await loop.plan()
            #expect(plan.changes.first?.steps == ["DetachVolume", "SnapshotVolume", "DestroyVolume", "ForgetVolume"])
            let outcome = try await loop.apply(plan)
            #expect(outcome.isSuccess)
            #expect(try await loop.sim.client.listVolumes().isEmpty)
            let snapshot = try #require(try await loop.sim.client.listSnapshots(resourceType: "volume").first)
            let sagaTag = Ownership.sagaTag(forSagaID: try #require(outcome.sagas.first?.id))
            #expect(snapshot.name == "data-1-arcadia-\(sagaTag.dropFirst(Ownership.sagaTagPrefix.count))")
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A new description is recorded only (DigitalOcean cannot change it), with a warning saying so.
    @Test func aNewDescriptionIsRecordedWithAWarning() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["data-1.yaml": Self.volumeSpec(attachTo: nil)])
            #expect(try await loop.planAndApply())
            try loop.write(["data-1.yaml": Self.volumeSpec(attachTo: nil).replacingOccurrences(of: "app data", with: "new words")])
            let plan = try await loop.plan()
            #expect(plan.changes.map(\.steps) == [["RecordApplied"]])
            #expect(plan.warnings.map(\.code) == ["description_recorded_only"])
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await Self.volume(loop).description == "app data")
            #expect(try await loop.plan().isInSync)
        }
    }

    /// An unmanaged volume of the spec's name in its region refuses the plan (DigitalOcean would refuse
    /// the create); one in another region does not.
    @Test func anUnmanagedNamesakeRefusesTheCreateOnlyInItsRegion() async throws {
        try await ReconcileLoop.with { loop in
            _ = try await loop.sim.client.createVolume(VolumeCreateRequest(name: "data-1", region: "sfo3", sizeGigabytes: 10))
            try loop.write(["data-1.yaml": Self.volumeSpec(attachTo: nil)])
            #expect(try await loop.plan().errors.isEmpty, "a namesake in sfo3 is no obstacle in nyc3")
            _ = try await loop.sim.client.createVolume(VolumeCreateRequest(name: "data-1", region: "nyc3", sizeGigabytes: 10))
            #expect(try await loop.plan().errors.map(\.code) == ["name_taken_unmanaged"])
        }
    }

    /// Creating and attaching one volume to an existing droplet costs three requests: the create, the
    /// attach, and one look at the attach action when it is usually done.
    @Test func creatingAndAttachingAVolumeCostsThreeRequests() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(try await loop.planAndApply())
            try loop.write(["data-1.yaml": Self.volumeSpec()])
            let plan = try await loop.plan()
            let before = try await Self.routes(loop)
            #expect(try await loop.apply(plan).isSuccess)
            let after = try await Self.routes(loop)
            let spent = after.filter { $0.value != before[$0.key] ?? 0 }.map { "\($0.key) \($0.value - (before[$0.key] ?? 0))" }.sorted()
            #expect(spent == ["GET /v2/volumes/{volume_id}/actions/{action_id} 1", "POST /v2/volumes 1", "POST /v2/volumes/{volume_id}/actions 1"])
        }
    }

    static func routes(_ loop: ReconcileLoop) async throws -> [String: Int] {
        (try await loop.sim.json("GET", "/_sim/stats").object["requests"] as? [String: Int]) ?? [:]
    }

    // MARK: Validation

    /// The published schema names the fields, required fields, policy keys and ignorable fields the loader takes.
    @Test func theSchemaAndTheKindNameTheSameFields() throws {
        try KindSchemaCheck.expectAgreement("volume.schema.json", kind: VolumeKind(), required: ["region", "sizeGigabytes"])
    }

    @Test func validateRefusesADropletInAnotherRegionAndBadFields() throws {
        let other = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [
                ("specs/web.yaml", dropletSpec(name: "web", region: "sfo3")), ("specs/data-1.yaml", Self.volumeSpec()),
            ])
        }
        #expect(other.diagnostics.map(\.description) == [
            "specs/data-1.yaml:10:13: attachTo names Droplet 'web', which is in sfo3, but volume 'data-1' is in nyc3; DigitalOcean attaches a "
                + "volume only to a droplet in its region: move one of them, or name a droplet in nyc3",
        ])
        let unknown = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [("specs/web.yaml", dropletSpec(name: "web")), ("specs/data-1.yaml", Self.volumeSpec(attachTo: "wbe"))])
        }
        #expect(unknown.diagnostics.map(\.message) == ["attachTo names Droplet 'wbe', which no spec defines; did you mean 'web'?"])
        let bad = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [("specs/Data.yaml", Self.volumeSpec("Data_1", size: 20_000, filesystem: "ntfs", tags: ["arcadia-saga-x"], attachTo: nil))])
        }
        #expect(bad.diagnostics.map(\.message) == [
            "invalid volume name 'Data_1': DigitalOcean takes 1-64 lowercase letters, digits or '-', starting with a letter",
            "'sizeGigabytes' is at most 16384 (16 TiB, DigitalOcean's largest volume), not 20000",
            "'filesystemType' must be ext4 or xfs, not 'ntfs'; leave it out for an unformatted volume",
            "tag 'arcadia-saga-x' is reserved for Arcadia's own bookkeeping; remove it",
        ])
    }
}
