import ArgumentParser
import ArcadiaController
import ArcadiaState
import Foundation
import Logging

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "API tokens for the controller's HTTP API: create, list, revoke.",
        discussion: """
            Roles: viewer reads; operator also reverts, ignores and reconciles; platform_admin also accepts drift \
            into the specs. A request sends Authorization: Bearer <token>. Only a SHA-256 of each token is stored.
            """,
        subcommands: [TokensCreate.self, TokensList.self, TokensRevoke.self],
        defaultSubcommand: TokensList.self
    )
}

extension Role: ExpressibleByArgument {}

struct TokensCreate: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a token and print it once, as the last line of standard output.",
        discussion: """
            The token cannot be shown again: store it now (e.g. TOKEN=$(arcadia tokens create … | tail -1)). \
            A summary goes to standard error. The state is created if it does not exist yet, so a new deployment \
            starts with a token.

            A name is 1 to 64 printable characters. It names the token's holder in every event its requests write, \
            so it is refused while another active (neither revoked nor expired) token has it; to rotate, create the \
            new token under another name, then revoke the old one.
            """
    )

    @Option(name: .long, help: "Who or what holds the token, e.g. ci or alice.")
    var name: String

    @Option(name: .long, help: "What it may do: viewer reads; operator also reverts, ignores and reconciles; platform_admin also accepts drift.")
    var role: Role

    @Option(name: .long, help: ArgumentHelp("Expire after this long: a number of days, hours or minutes, e.g. 90d, 12h, 30m. Default: never.", valueName: "Nd|Nh|Nm"))
    var expires: String?

    @OptionGroup var stateOptions: StateOptions

    func validate() throws {
        if let expires, Self.lifetime(expires) == nil {
            throw ValidationError("--expires \(expires) is not a lifetime: give a whole number of days, hours or minutes, from 1m to 3650d, e.g. 90d, 12h or 30m")
        }
        do { try TokenIssuer.validate(name: name) } catch let error as TokenError { throw ValidationError("--name: \(error.message)") }
    }

    /// `90d`, `12h`, `30m` in seconds; nil for anything else, for zero, and beyond ten years.
    static func lifetime(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0, text.dropLast().allSatisfy(\.isASCII) else { return nil }
        let seconds: TimeInterval
        switch unit {
        case "d": seconds = Double(count) * 86_400
        case "h": seconds = Double(count) * 3_600
        case "m": seconds = Double(count) * 60
        default: return nil
        }
        return seconds <= 3_650 * 86_400 ? seconds : nil
    }

    func execute() async throws {
        Hints.remember(stateOptions)
        let (name, role, lifetime) = (name, role, expires.flatMap(Self.lifetime))
        let url = try stateOptions.databaseURL()
        let issued = try await runReporting {
            try await Store.withStore(url, logger: Logger(label: "arcadia"), actor: Session.actor) { store in
                try await TokenIssuer.issue(name: name, role: role, lifetime: lifetime, createdBy: Session.actor, store: store)
            }
        }
        let expiry = issued.record.expiresAt.map { "expires \(Store.timestamp($0))" } ?? "does not expire"
        Output.standardError("Created token \(issued.record.id) '\(name)' (\(role.rawValue)); it \(expiry). It is shown once, below: store it now.")
        Output.print(issued.token.clearText)
    }
}

struct TokensList: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens, oldest first (never their secrets).")

    @OptionGroup var stateOptions: StateOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func execute() async throws {
        Hints.remember(stateOptions)
        let (tokens, now) = try await runReporting {
            try await Session.withStore(stateOptions) { store in (try await store.tokens(), try await store.currentTime()) }
        }
        if json {
            Output.print(try Output.json(tokens.map { TokenJSON(record: $0, now: now) }))
        } else if tokens.isEmpty {
            Output.print("No tokens. \(Hints.command("tokens create --name NAME --role viewer", talksToDigitalOcean: false)) creates one.")
        } else {
            let when = { (date: Date?) in date.map { Store.timestamp($0) } ?? "-" }
            Output.print(Table.render(
                header: ["ID", "NAME", "ROLE", "STATUS", "CREATED", "EXPIRES", "LAST USED"],
                rows: tokens.map {
                    [$0.id, $0.name, $0.role, TokenJSON.status($0, now: now), Store.timestamp($0.createdAt), when($0.expiresAt), when($0.lastUsedAt)]
                }
            ))
        }
    }
}

struct TokensRevoke: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a token: its next request is refused. It stays listed, as revoked."
    )

    @Argument(help: "The token's id, as `arcadia tokens list` shows it.")
    var id: String

    @OptionGroup var stateOptions: StateOptions

    func execute() async throws {
        Hints.remember(stateOptions)
        let id = id
        let outcome = try await runReporting {
            try await Session.withStore(stateOptions) { store in try await store.revokeToken(id: id) }
        }
        switch outcome {
        case .revoked:
            Output.print("Revoked token \(id).")
        case .alreadyRevoked(let at):
            Output.error("token \(id) was already revoked at \(Store.timestamp(at))")
            throw ExitCode.failure
        case .notFound:
            Output.error("no token with id '\(id)'; \(Hints.command("tokens list", talksToDigitalOcean: false)) shows them")
            throw ExitCode.failure
        }
    }
}

/// One token in `tokens list --json`: everything but its hash.
struct TokenJSON: Encodable {
    var id: String
    var name: String
    var role: String
    /// `active`, `revoked` or `expired`.
    var status: String
    var createdAt: Date
    var createdBy: String
    var expiresAt: Date?
    var revokedAt: Date?
    var lastUsedAt: Date?

    init(record: APITokenRecord, now: Date) {
        id = record.id
        name = record.name
        role = record.role
        status = Self.status(record, now: now)
        createdAt = record.createdAt
        createdBy = record.createdBy
        expiresAt = record.expiresAt
        revokedAt = record.revokedAt
        lastUsedAt = record.lastUsedAt
    }

    static func status(_ record: APITokenRecord, now: Date) -> String {
        record.revokedAt != nil ? "revoked" : record.isActive(at: now) ? "active" : "expired"
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role, status
        case createdAt = "created_at"
        case createdBy = "created_by"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case lastUsedAt = "last_used_at"
    }

    /// Absent dates are `null`, not missing: a script reads the same keys from every token.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        try container.encode(status, forKey: .status)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(revokedAt, forKey: .revokedAt)
        try container.encode(lastUsedAt, forKey: .lastUsedAt)
    }
}
