import Crypto
import Foundation

/// A controller API token: `arcadia_<id>_<secret><checksum>`.
///
/// - `arcadia_`: a prefix secret scanners and people recognise.
/// - `id`: 8 base62 characters, public: the state's row is found by it (``APITokenRecord/id``).
/// - `secret`: 40 base62 characters from the system's CSPRNG (about 238 bits).
/// - `checksum`: CRC32 of everything before it, 6 base62 characters, so a mistyped or truncated
///   token is refused without a database read.
///
/// Only ``sha256Hex(_:)`` of the whole token is stored. `description` hides the secret, so a token
/// interpolated into a log line by mistake does not leak.
public struct AccessToken: Sendable, CustomStringConvertible {
    public static let prefix = "arcadia_"
    static let idLength = 8
    static let secretLength = 40
    static let checksumLength = 6
    /// The length of every well-formed token.
    public static let length = prefix.count + idLength + 1 + secretLength + checksumLength

    /// The public part.
    public let id: String
    /// The whole token: show it once, to its holder, and nowhere else.
    public let clearText: String

    /// A new token with a random secret (and a random id unless one is given).
    public static func generate(id: String = makeID()) -> AccessToken {
        let body = prefix + id + "_" + randomBase62(count: secretLength)
        return AccessToken(id: id, clearText: body + checksum(body))
    }

    /// A random public id: 8 base62 characters.
    public static func makeID() -> String {
        randomBase62(count: idLength)
    }

    /// The id and the SHA-256 of a token's text, or nil when it is not one of ours or its checksum
    /// does not match (a typo, a truncated paste).
    public static func parse(_ text: String) -> (id: String, hash: String)? {
        let bytes = Array(text.utf8)
        let prefixBytes = Array(prefix.utf8)
        guard bytes.count == length, bytes.starts(with: prefixBytes), bytes[prefixBytes.count + idLength] == UInt8(ascii: "_") else { return nil }
        let idRange = prefixBytes.count..<(prefixBytes.count + idLength)
        let randomRange = (prefixBytes.count + idLength + 1)..<bytes.count
        guard bytes[idRange].allSatisfy(isBase62), bytes[randomRange].allSatisfy(isBase62) else { return nil }
        let body = String(decoding: bytes[..<(bytes.count - checksumLength)], as: UTF8.self)
        guard String(decoding: bytes[(bytes.count - checksumLength)...], as: UTF8.self) == checksum(body) else { return nil }
        return (String(decoding: bytes[idRange], as: UTF8.self), sha256Hex(text))
    }

    /// Lower-case hex SHA-256 of `text`'s UTF-8 bytes: what the state keeps of a token.
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hexString
    }

    public var description: String { "\(Self.prefix)\(id)_…" }

    // MARK: Encoding

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    private static func isBase62(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    /// `SystemRandomNumberGenerator` is the operating system's CSPRNG (getrandom, arc4random);
    /// `random(in:)` draws without modulo bias.
    private static func randomBase62(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }, as: UTF8.self)
    }

    /// CRC32 (IEEE) of `body`, as 6 base62 digits (62⁶ > 2³²).
    static func checksum(_ body: String) -> String {
        var value = UInt64(crc32(body.utf8))
        var digits = [UInt8](repeating: alphabet[0], count: checksumLength)
        for index in digits.indices.reversed() {
            digits[index] = alphabet[Int(value % 62)]
            value /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }

    private static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

extension Sequence<UInt8> {
    /// Lower-case hex, two digits a byte.
    var hexString: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
