import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The typed client's SSH-key calls against the simulator, over real HTTP. The SSHKey kind adopts an
/// existing key by fingerprint, because DigitalOcean refuses the same public key twice.
@Suite struct SSHKeyClientTests {
    /// A well-formed ed25519 public key line whose blob is made from `seed`.
    private static func publicKey(_ seed: String) -> String {
        "ssh-ed25519 " + Data("ssh-ed25519 arcadia test key \(seed)".utf8).base64EncodedString() + " \(seed)@example"
    }

    @Test func aCreatedKeyIsFoundByIDAndByFingerprint() async throws {
        try await SimulatorHarness.with { sim in
            let line = Self.publicKey("ops")
            let key = try await sim.client.createSSHKey(name: "ops", publicKey: line)
            #expect(key.name == "ops")
            #expect(key.publicKey == line)
            #expect(key.fingerprint.range(of: #"^([0-9a-f]{2}:){15}[0-9a-f]{2}$"#, options: .regularExpression) != nil, "an MD5 fingerprint")

            #expect(try await sim.client.getSSHKey(idOrFingerprint: String(key.id)) == key)
            #expect(try await sim.client.getSSHKey(idOrFingerprint: key.fingerprint) == key)
            #expect(try await sim.client.listSSHKeys() == [key])
        }
    }

    @Test func theSamePublicKeyTwiceIsRefusedAndTheFirstIsAdoptableByFingerprint() async throws {
        try await SimulatorHarness.with { sim in
            let line = Self.publicKey("deploy")
            let first = try await sim.client.createSSHKey(name: "deploy", publicKey: line)
            let refused = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.createSSHKey(name: "deploy-again", publicKey: line)
            }
            #expect(refused?.status == 422)
            #expect(refused?.id == "unprocessable_entity")
            #expect(refused?.code == .api, "refused outright: nothing was created")
            #expect(refused?.message.contains("already in use") == true)
            #expect(try await sim.client.listSSHKeys().map(\.id) == [first.id])
            #expect(try await sim.client.getSSHKey(idOrFingerprint: first.fingerprint).name == "deploy")

            // Another key is another fingerprint.
            let other = try await sim.client.createSSHKey(name: "deploy", publicKey: Self.publicKey("other"))
            #expect(other.fingerprint != first.fingerprint)
        }
    }

    @Test func aMalformedKeyIsRefused() async throws {
        try await SimulatorHarness.with { sim in
            let refused = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.createSSHKey(name: "bad", publicKey: "not a key")
            }
            #expect(refused?.status == 422)
            let keys = try await sim.client.listSSHKeys()
            #expect(keys.isEmpty)
        }
    }

    @Test func deletingAKeyTwiceIsDone() async throws {
        try await SimulatorHarness.with { sim in
            let byFingerprint = try await sim.client.createSSHKey(name: "a", publicKey: Self.publicKey("a"))
            let byID = try await sim.client.createSSHKey(name: "b", publicKey: Self.publicKey("b"))
            try await sim.client.deleteSSHKey(idOrFingerprint: byFingerprint.fingerprint)
            try await sim.client.deleteSSHKey(idOrFingerprint: String(byID.id))
            #expect(try await sim.client.listSSHKeys().isEmpty)
            try await sim.client.deleteSSHKey(idOrFingerprint: byFingerprint.fingerprint)
            try await sim.client.deleteSSHKey(idOrFingerprint: String(byID.id))
            let missing = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.getSSHKey(idOrFingerprint: byFingerprint.fingerprint)
            }
            #expect(missing?.isNotFound == true)
        }
    }
}
