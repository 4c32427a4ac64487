import Crypto
import Foundation

/// An OpenSSH public key line: `type base64 [comment]`.
enum PublicKey {
    static let types: Set<String> = [
        "ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    /// The key type the blob itself names (its first length-prefixed string): it must be the line's
    /// first word, or one key could be written two ways and look like two keys.
    private static func encodedType(_ blob: Data) -> String? {
        let bytes = [UInt8](blob)
        guard bytes.count >= 4 else { return nil }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length > 0, length <= 64, bytes.count >= 4 + length else { return nil }
        return String(decoding: bytes[4..<(4 + length)], as: UTF8.self)
    }

    /// The type and key, without the comment: what makes two lines the same key.
    static func material(_ line: String) -> String {
        line.split(whereSeparator: \.isWhitespace).prefix(2).joined(separator: " ")
    }

    /// The MD5 fingerprint DigitalOcean names the key by (`aa:bb:…`, 16 pairs), or nil when the line is
    /// not a public key.
    static func fingerprint(of line: String) -> String? {
        let parts = line.split(whereSeparator: \.isWhitespace)
        guard parts.count >= 2, types.contains(String(parts[0])), let blob = Data(base64Encoded: String(parts[1])), blob.count >= 16,
              encodedType(blob) == String(parts[0])
        else { return nil }
        return Insecure.MD5.hash(data: blob).map { String(format: "%02x", $0) }.joined(separator: ":")
    }
}
