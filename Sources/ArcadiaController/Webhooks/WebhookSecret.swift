import Crypto
import Foundation

/// The shared secret webhook bodies are signed with (HMAC-SHA256). Its `description` never shows it.
public struct WebhookSecret: Sendable, CustomStringConvertible, CustomReflectable {
    /// Bytes, not a `SymmetricKey`, which is not `Sendable`.
    private let bytes: [UInt8]

    /// - Throws: ``WebhookSecretError`` when `text` is empty.
    public init(_ text: String) throws {
        guard !text.isEmpty else { throw WebhookSecretError("the webhook secret is empty") }
        bytes = Array(text.utf8)
    }

    /// Reads the secret from `path` (`--webhook-secret-file`); a final line break is not part of it.
    public init(contentsOfFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw WebhookSecretError("cannot read the webhook secret file \(path): \((error as NSError).localizedDescription)")
        }
        let trimmed = text.hasSuffix("\r\n") ? String(text.dropLast(2)) : text.hasSuffix("\n") ? String(text.dropLast()) : text
        guard !trimmed.isEmpty else { throw WebhookSecretError("the webhook secret file \(path) is empty; put a long random string in it") }
        try self.init(trimmed)
    }

    /// `sha256=<hex HMAC-SHA256(secret, body)>`: the `X-Arcadia-Signature` of `body`.
    public func signature(for body: some DataProtocol) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: bytes)).hexString
    }

    public var description: String { "WebhookSecret(redacted)" }

    /// `dump` shows no bytes either.
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// A webhook secret that cannot be used, and why (never what it is).
public struct WebhookSecretError: Error, Sendable, CustomStringConvertible {
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
