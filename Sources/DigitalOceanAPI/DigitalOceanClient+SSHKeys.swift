import Foundation

extension DigitalOceanClient {
    private struct SSHKeyEnvelope: Decodable { var sshKey: SSHKey }
    private struct SSHKeyCreateRequest: Encodable {
        var name: String
        var publicKey: String
    }

    /// The account's SSH public keys.
    public func listSSHKeys() async throws -> [SSHKey] {
        try await list("/v2/account/keys", key: "sshKeys", as: SSHKey.self)  // keys arrive in camel case
    }

    /// Uploads a public key. A key whose fingerprint the account already holds is refused (422,
    /// whatever its name), so a caller that may repeat this looks the key up by fingerprint.
    public func createSSHKey(name: String, publicKey: String) async throws -> SSHKey {
        let body = try Self.encoder.encode(SSHKeyCreateRequest(name: name, publicKey: publicKey))
        let data = try await send(.POST, "/v2/account/keys", body: body)
        return try decode(SSHKeyEnvelope.self, from: data, request: "POST /v2/account/keys").sshKey
    }

    /// One key, by its numeric id or its MD5 fingerprint.
    public func getSSHKey(idOrFingerprint: String) async throws -> SSHKey {
        let path = "/v2/account/keys/\(idOrFingerprint)"
        return try decode(SSHKeyEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").sshKey
    }

    /// Removes a key from the account (droplets that hold it keep it); one already gone counts as deleted.
    public func deleteSSHKey(idOrFingerprint: String) async throws {
        do {
            _ = try await send(.DELETE, "/v2/account/keys/\(idOrFingerprint)")
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }
}
