import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaTestSupport
import Foundation
import Testing
import Yams

/// The SSHKey kind, and droplets that name keys by their spec's name.
@Suite struct SSHKeyKindTests {
    static let deployKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKmC3Ql1Zq7Jm0s8B4q2lX9WcY0W3aZ7pT6jJr0kq1Vb deploy@ci"
    static let otherKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0b2n1zYp3Cq4R5s6T7u8V9w0X1y2Z3a4B5c6D7e8F9 deploy@ci"

    static func keySpec(_ name: String, _ publicKey: String = deployKey) -> String {
        """
        apiVersion: arcadia/v1
        kind: SSHKey
        metadata: {name: \(name)}
        spec:
          publicKey: \(publicKey)

        """
    }

    static func dropletUsing(_ name: String, keys: [String]) -> String {
        dropletSpec(name: name).replacingOccurrences(of: "tags: [web]", with: "tags: [web]\n  sshKeys: [\(keys.joined(separator: ", "))]")
    }

    @Test func aKeyAndADropletNamingItApplyInOrderPlanCleanAndGoInReverse() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["deploy.yaml": Self.keySpec("deploy"), "web.yaml": Self.dropletUsing("web", keys: ["deploy"])])
            let plan = try await loop.plan()
            #expect(plan.errors.isEmpty, "\(plan.errors)")
            #expect(plan.changes.map(\.change.key) == ["SSHKey/deploy", "Droplet/web"], "the key first: the droplet names it")
            #expect(plan.changes.last?.after == ["SSHKey/deploy"])
            #expect(try await loop.apply(plan).isSuccess)

            let keys = try await loop.sim.client.listSSHKeys()
            #expect(keys.map(\.name) == ["deploy"])
            let recorded = try await loop.store.provisioned(kind: "SSHKey").first?.resourceID
            #expect(recorded == keys.first.map { String($0.id) }, "the droplet's saga read the key's id from the state")
            #expect(try await loop.plan().isInSync)

            // Both specs removed: the droplet goes before the key it was created with.
            try loop.remove("deploy.yaml")
            try loop.remove("web.yaml")
            let teardown = try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true)
            #expect(teardown.changes.map(\.change.key) == ["Droplet/web", "SSHKey/deploy"])
            #expect(teardown.changes.last?.after == ["Droplet/web"])
            #expect(try await loop.apply(teardown).isSuccess)
            #expect(try await loop.sim.client.listSSHKeys().isEmpty)
            #expect(try await loop.sim.client.listDroplets().isEmpty)
        }
    }

    @Test func aNewPublicKeyReplacesTheKeyAndLeavesItsDropletsAlone() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["deploy.yaml": Self.keySpec("deploy"), "web.yaml": Self.dropletUsing("web", keys: ["deploy"])])
            #expect(try await loop.planAndApply())
            let before = try await loop.sim.client.listSSHKeys()
            try loop.write(["deploy.yaml": Self.keySpec("deploy", Self.otherKey)])
            let plan = try await loop.plan()
            #expect(plan.changes.map(\.change.action) == [.replace])
            #expect(plan.changes.first?.irreversible.first?.contains("keep it in their authorized keys until they are replaced") == true)
            #expect(try await loop.apply(plan).isSuccess)
            let after = try await loop.sim.client.listSSHKeys()
            #expect(after.count == 1 && after.first?.id != before.first?.id)
            #expect(after.first?.publicKey == Self.otherKey)
            #expect(try await loop.plan().isInSync, "the droplet is not replaced for a key change")
        }
    }

    /// A key already in the account under another name was not Arcadia's upload: refused, not taken over.
    @Test func aKeyUploadedByHandIsNotTakenOver() async throws {
        try await ReconcileLoop.with { loop in
            _ = try await loop.sim.client.createSSHKey(name: "laptop", publicKey: Self.deployKey)
            try loop.write(["deploy.yaml": Self.keySpec("deploy")])
            let outcome = try await loop.apply(try await loop.plan())
            #expect(!outcome.isSuccess)
            let saga = try #require(try await loop.store.sagas().first)
            #expect(saga.status == .rolledBack)
            #expect(saga.error?.contains("already in the account as key 'laptop'") == true, "\(saga)")
            #expect(try await loop.sim.client.listSSHKeys().map(\.name) == ["laptop"], "the operator's key is untouched")
        }
    }

    /// A key already in the account under the spec's own name is adopted without an upload; a
    /// cancel of that saga must leave it (a reviewer found the compensation deleted it).
    @Test func aCancelLeavesAKeyTheSagaDidNotUpload() async throws {
        try await ReconcileLoop.with { loop in
            _ = try await loop.sim.client.createSSHKey(name: "deploy", publicKey: Self.deployKey)
            try loop.write(["deploy.yaml": Self.keySpec("deploy")])
            let killed = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "create:CreateSSHKey:after-ledger"))
            #expect(!killed.isSuccess)
            let saga = try #require(try await loop.store.sagas().first)
            #expect(try await loop.runner().cancel(sagaID: saga.id) == .ended(.cancelled))
            #expect(try await loop.sim.client.listSSHKeys().map(\.name) == ["deploy"], "the key that was there before stays")
        }
    }

    /// The droplet's saga follows the key's: when the key's is rolled back, the droplet's is cancelled
    /// without acting, and the next plan shows both again.
    @Test func aDropletWhoseKeyFailedIsCancelledWithoutActing() async throws {
        try await ReconcileLoop.with { loop in
            _ = try await loop.sim.client.createSSHKey(name: "laptop", publicKey: Self.deployKey)
            try loop.write(["deploy.yaml": Self.keySpec("deploy"), "web.yaml": Self.dropletUsing("web", keys: ["deploy"])])
            let outcome = try await loop.apply(try await loop.plan())
            #expect(outcome.sagas.map(\.status) == [.rolledBack, .cancelled])
            let droplet = try #require(try await loop.store.sagas().first { $0.resourceKind == "Droplet" })
            #expect(droplet.error?.contains("had to follow the create saga") == true, "\(droplet)")
            #expect(droplet.steps.allSatisfy { $0.status == .pending }, "no step ran")
            #expect(try await loop.sim.client.listDroplets().isEmpty)
            #expect(try await loop.plan().changes.map(\.change.key) == ["SSHKey/deploy", "Droplet/web"])
        }
    }

    @Test func validateResolvesNamesAndRefusesUnknownOnes() throws {
        let error = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [
                ("specs/deploy.yaml", Self.keySpec("deploy")),
                ("specs/web.yaml", Self.dropletUsing("web", keys: ["deplyo", "\"42\""])),
            ])
        }
        #expect(error.diagnostics.map(\.description) == [
            "specs/web.yaml:10:13: sshKeys[0] names SSHKey 'deplyo', which no spec defines; did you mean 'deploy'?",
        ])
        // A broken key spec is reported once, at the key: not again at every droplet that names it.
        let bad = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [
                ("specs/key.yaml", Self.keySpec("deploy", "ssh-ed25519 not-base64!")),
                ("specs/web.yaml", Self.dropletUsing("web", keys: ["deploy"])),
            ])
        }
        #expect(bad.diagnostics.count == 1)
        #expect(bad.diagnostics.first?.message.contains("publicKey must be one OpenSSH public key line") == true)
        // The first word must be the type the key itself names, or one key could pass for two (a "replace"
        // that would adopt the old key and then delete it).
        let relabelled = Self.deployKey.replacingOccurrences(of: "ssh-ed25519", with: "ssh-rsa")
        #expect(throws: SpecLoadError.self) { try SpecLoader.parse(documents: [("specs/key.yaml", Self.keySpec("deploy", relabelled))]) }
        // A private key is refused without a character of it in the message.
        let secret = "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"
        let leaked = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [("specs/key.yaml", Self.keySpec("deploy", "\"\(secret)\""))])
        }
        #expect(leaked.diagnostics.first?.message.contains("holds a private key") == true)
        #expect(!leaked.diagnostics.contains { $0.message.contains("b3BlbnNz") })
    }
}

/// Reference cycles cannot be written with today's kinds (keys name nothing), so a key parser that names
/// a droplet stands in for the kinds to come.
@Suite struct SpecReferenceCycleTests {
    struct KeyNamingADroplet: SpecKindParser {
        let kind = ResourceKind.sshKey
        let fieldNames = ["owner"]
        func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
            guard let entries = reader.entries(of: node, section: "spec", allowedKeys: fieldNames),
                  let owner = reader.string(entries["owner"]?.value, field: "owner") else { return nil }
            return ResourceSpec(["owner": .string(owner)])
        }
        func references(in spec: ResourceSpec) -> [SpecReference] {
            spec.string("owner").map { [SpecReference(field: "owner", kind: .droplet, name: $0)] } ?? []
        }
    }

    @Test func aCycleIsAnErrorThatNamesEveryFileInIt() throws {
        let key = "apiVersion: arcadia/v1\nkind: SSHKey\nmetadata: {name: deploy}\nspec: {owner: web}\n"
        let error = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(
                documents: [("specs/deploy.yaml", key), ("specs/web.yaml", SSHKeyKindTests.dropletUsing("web", keys: ["deploy"]))],
                kinds: SpecKinds([DropletKind(), KeyNamingADroplet()])
            )
        }
        #expect(error.diagnostics.count == 1)
        let message = try #require(error.diagnostics.first?.message)
        #expect(message.contains("references go round in a circle"))
        #expect(message.contains("Droplet/web (specs/web.yaml)") && message.contains("SSHKey/deploy (specs/deploy.yaml)"), "\(message)")
    }
}
