import Crypto
import Foundation

/// An OpenSSH public key line: `type base64 [comment]`.
enum PublicKey {
    static let types: Set<String> = [
        "ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    /// The type and key, without the comment: what makes two lines the same key.
    static func material(_ line: String) -> String {
        line.split(whereSeparator: \.isWhitespace).prefix(2).joined(separator: " ")
    }

    /// The MD5 fingerprint DigitalOcean names the key by (`aa:bb:…`, 16 pairs), or nil when the line is
    /// not a public key.
    static func fingerprint(of line: String) -> String? {
        let parts = line.split(whereSeparator: \.isWhitespace)
        guard parts.count >= 2, types.contains(String(parts[0])), let blob = Data(base64Encoded: String(parts[1])), blob.count >= 16 else {
            return nil
        }
        return Insecure.MD5.hash(data: blob).map { String(format: "%02x", $0) }.joined(separator: ":")
    }
}
