import ArcadiaState
import Foundation

/// A token just created: its record, and the token itself, which exists nowhere else.
public struct IssuedToken: Sendable {
    public var record: APITokenRecord
    /// Show it to its holder once; it cannot be recovered.
    public var token: AccessToken
}

/// A token that could not be created, and why.
public struct TokenError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Creates API tokens: generates one, stores its SHA-256, hands the token back once.
public enum TokenIssuer {
    /// The longest name accepted: it is shown in tables and written into every event.
    public static let maximumNameLength = 64

    /// Creates a token named `name` with `role`, valid for `lifetime` from now by the store's clock
    /// (forever when nil).
    /// - Parameter createdBy: who asked (`$USER@host` for the CLI), kept with the token.
    /// - Throws: ``TokenError`` when the name is empty, too long or unprintable, when an active token
    ///   already has it (events name tokens by it), or when `lifetime` is not positive.
    public static func issue(name: String, role: Role, lifetime: TimeInterval? = nil, createdBy: String, store: Store) async throws -> IssuedToken {
        try validate(name: name)
        if let lifetime, !(lifetime > 0) { throw TokenError("a token's lifetime must be positive") }
        let now = try await store.currentTime()
        let expiresAt = lifetime.map { now.addingTimeInterval($0) }
        let token = AccessToken.generate()
        let record = APITokenRecord(
            id: token.id, name: name, role: role.rawValue, tokenHash: AccessToken.sha256Hex(token.clearText),
            createdAt: now, createdBy: createdBy, expiresAt: expiresAt
        )
        switch try await store.insertToken(record) {
        case .inserted:
            return IssuedToken(record: record, token: token)
        case .nameInUse(let id):
            throw TokenError("token \(id) is already named '\(name)' and is still active; pick another name, or revoke \(id) first")
        }
    }

    /// A name is 1 to 64 printable characters, with no line breaks or other control characters.
    public static func validate(name: String) throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw TokenError("a token's name must not be empty") }
        guard name.count <= maximumNameLength else { throw TokenError("a token's name is at most \(maximumNameLength) characters; this one has \(name.count)") }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
            || $0.properties.generalCategory == .lineSeparator || $0.properties.generalCategory == .paragraphSeparator })
        else { throw TokenError("a token's name must be printable: no line breaks, tabs or other control characters") }
        guard name == name.trimmingCharacters(in: .whitespaces) else { throw TokenError("a token's name must not start or end with a space") }
    }
}
