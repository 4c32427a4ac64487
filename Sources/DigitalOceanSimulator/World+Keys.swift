import Crypto
import Foundation

extension World {
    static let publicKeyPattern = #"^(ssh-rsa|ssh-ed25519|ssh-dss|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,2}( .*)?$"#

    func createSSHKey(name: String, publicKey: String) throws -> SimSSHKey {
        let publicKey = publicKey.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw SimulatorError.unprocessable("Name is required.") }
        guard publicKey.range(of: Self.publicKeyPattern, options: .regularExpression) != nil,
              let blob = Data(base64Encoded: String(publicKey.split(separator: " ")[1]))
        else { throw SimulatorError.unprocessable("Key invalid type, we support 'ssh-rsa', 'ssh-ed25519', 'ssh-dss' and 'ecdsa-sha2'.") }
        let fingerprint = Insecure.MD5.hash(data: blob).map { String(format: "%02x", $0) }.joined(separator: ":")
        guard !state.sshKeys.values.contains(where: { $0.fingerprint == fingerprint }) else {
            throw SimulatorError.unprocessable("SSH Key is already in use on your account.")
        }
        let key = SimSSHKey(id: state.nextSSHKeyID, name: name, publicKey: publicKey, fingerprint: fingerprint)
        state.nextSSHKeyID += 1
        state.sshKeys[key.id] = key
        return key
    }

    /// By id or by MD5 fingerprint, as DigitalOcean accepts both.
    func sshKey(_ reference: String) -> SimSSHKey? {
        if let id = Int(reference) { return state.sshKeys[id] }
        return state.sshKeys.values.first { $0.fingerprint == reference }
    }

    func requireSSHKey(_ reference: String) throws -> SimSSHKey {
        guard let key = sshKey(reference) else { throw SimulatorError.notFound() }
        return key
    }

    func sshKeys() -> [SimSSHKey] {
        state.sshKeys.values.sorted { $0.id < $1.id }
    }

    func renameSSHKey(_ reference: String, to name: String?) throws -> SimSSHKey {
        var key = try requireSSHKey(reference)
        if let name, !name.isEmpty { key.name = name }
        state.sshKeys[key.id] = key
        return key
    }

    func deleteSSHKey(_ reference: String) throws {
        state.sshKeys.removeValue(forKey: try requireSSHKey(reference).id)
    }
}
