import ArcadiaController
import ArcadiaState
import ArcadiaTestSupport
import Foundation
import Logging
import SQLKit
import Testing

/// The controller's API tokens: what a holder, a prober and someone reading the database would see.
@Suite struct TokenTests {
    @Test func everyOneCharacterChangeIsRefusedByTheChecksumAlone() {
        let token = AccessToken.generate().clearText
        #expect(token.hasPrefix("arcadia_") && token.count == AccessToken.length)
        #expect(AccessToken.parse(token)?.hash == AccessToken.sha256Hex(token))
        let characters = Array(token)
        for index in characters.indices.dropFirst(AccessToken.prefix.count) where characters[index] != "_" {
            var changed = characters
            changed[index] = characters[index] == "x" ? "y" : "x"
            #expect(AccessToken.parse(String(changed)) == nil, "a typo at \(index) passed the checksum")
        }
        #expect(AccessToken.parse(String(token.dropLast())) == nil, "a truncated paste")
        #expect(AccessToken.parse(token + "a") == nil)
        let generated = AccessToken.generate()
        let secret = generated.clearText.dropFirst("\(AccessToken.prefix)\(generated.id)_".count)
        #expect(!secret.isEmpty && !"\(generated)".contains(secret), "description hides the secret")
    }

    @Test func rolesAreOrdered() {
        #expect(Role.viewer < .operator && Role.operator < .platformAdmin)
        #expect(Role.platformAdmin.includes(.operator) && Role.operator.includes(.viewer))
        #expect(!Role.operator.includes(.platformAdmin) && !Role.viewer.includes(.operator))
        #expect(Role.allCases.map(\.rawValue) == ["viewer", "operator", "platform_admin"])
    }

    @Test(arguments: StoreEngine.allCases) func aCreatedTokenAuthenticatesWithItsRole(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let issued = try await TokenIssuer.issue(name: "ci", role: .operator, createdBy: "test", store: store)
            let authenticator = TokenAuthenticator(store: store)
            let principal = try await authenticator.authenticate(authorization: "Bearer \(issued.token.clearText)")
            #expect(principal == Principal(tokenID: issued.record.id, name: "ci", role: .operator))
            #expect(try await authenticator.authenticate(authorization: "bearer  \(issued.token.clearText) ") != nil, "the scheme in any case")
            #expect(try await store.token(id: issued.record.id)?.lastUsedAt != nil)

            // The same id with another secret: well formed, checksum right, hash wrong.
            let forged = AccessToken.generate(id: issued.record.id).clearText
            let refused = [
                nil, "", "Bearer", "Bearer ", "Basic \(issued.token.clearText)", issued.token.clearText, "Bearer \(forged)",
                "Bearer \(AccessToken.generate().clearText)", "Bearer \(issued.token.clearText.dropLast())\(issued.token.clearText.hasSuffix("x") ? "y" : "x")",
            ]
            for header in refused {
                #expect(try await authenticator.authenticate(authorization: header) == nil, "\(header ?? "no header") was let in")
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func revokedAndExpiredTokensAreRefused(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let authenticator = TokenAuthenticator(store: store)
            let revoked = try await TokenIssuer.issue(name: "alice", role: .platformAdmin, createdBy: "test", store: store)
            let expiring = try await TokenIssuer.issue(name: "bob", role: .viewer, lifetime: 60, createdBy: "test", store: store)
            #expect(try await authenticator.authenticate(authorization: "Bearer \(revoked.token.clearText)")?.role == .platformAdmin)
            #expect(try await authenticator.authenticate(authorization: "Bearer \(expiring.token.clearText)")?.role == .viewer)

            #expect(try await store.revokeToken(id: revoked.record.id) == .revoked)
            #expect(try await authenticator.authenticate(authorization: "Bearer \(revoked.token.clearText)") == nil)
            guard case .alreadyRevoked = try await store.revokeToken(id: revoked.record.id) else {
                Issue.record("a second revoke was not told the token was already revoked")
                return
            }
            #expect(try await store.revokeToken(id: "nosuchid") == .notFound)

            store.clock.advance(by: .seconds(61))
            #expect(try await authenticator.authenticate(authorization: "Bearer \(expiring.token.clearText)") == nil, "expired by the store's clock")
            #expect(try await store.tokens().map(\.id) == [revoked.record.id, expiring.record.id], "both stay listed")
        }
    }

    @Test(arguments: StoreEngine.allCases) func aNameIsUniqueAmongActiveTokensAndPrintable(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let first = try await TokenIssuer.issue(name: "ci", role: .viewer, createdBy: "test", store: store)
            await #expect(throws: TokenError.self) { try await TokenIssuer.issue(name: "ci", role: .operator, createdBy: "test", store: store) }
            _ = try await store.revokeToken(id: first.record.id)
            _ = try await TokenIssuer.issue(name: "ci", role: .operator, createdBy: "test", store: store)
            for name in ["", "  ", "two\nlines", "tab\there", " padded", String(repeating: "n", count: 65)] {
                await #expect(throws: TokenError.self, "\(name.debugDescription) was accepted") {
                    try await TokenIssuer.issue(name: name, role: .viewer, createdBy: "test", store: store)
                }
            }
            #expect(try await store.tokens().count == 2)
        }
    }

    /// Every text value of every table, and for SQLite the database's files themselves: no token's
    /// secret appears anywhere, used or not.
    @Test(arguments: StoreEngine.allCases) func theDatabaseHoldsNoClearToken(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, directory in
            var secrets: [String] = []
            for (index, role) in Role.allCases.enumerated() {
                let issued = try await TokenIssuer.issue(name: "holder-\(index)", role: role, createdBy: "test", store: store)
                _ = try await TokenAuthenticator(store: store).authenticate(authorization: "Bearer \(issued.token.clearText)")
                secrets.append(String(issued.token.clearText.dropFirst(AccessToken.prefix.count + 9)))
            }
            let cells = try await Self.allText(store)
            #expect(cells.contains { $0.contains("holder-2") }, "the dump reads the tokens table")
            for secret in secrets {
                #expect(!cells.contains { $0.contains(secret) || $0.contains(secret.prefix(20)) })
            }
            if engine == .sqlite {
                var files: [String] = []
                for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasPrefix("state.sqlite") {
                    files.append(name)
                }
                #expect(!files.isEmpty)
                for file in files {
                    let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
                    for secret in secrets { #expect(bytes.range(of: Data(secret.prefix(20).utf8)) == nil, "\(file) holds a secret") }
                }
            }
        }
    }

    /// `arcadia tokens create` on a state that does not exist yet: the token is the last line of
    /// standard output and authenticates; `list` never shows it; `revoke` stops it.
    @Test(arguments: StoreEngine.allCases) func theCommandPrintsTheTokenLastAndRevokesIt(engine: StoreEngine) async throws {
        try await withTemporaryDatabaseURL(engine: engine) { url, directory in
            let cli = try CommandRunner()
            let created = try await cli.run(["tokens", "create", "--name", "ci", "--role", "platform_admin", "--expires", "90d", "--database", url], in: directory)
            #expect(created.status == 0, "\(created.stderr)")
            let token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
            #expect(AccessToken.parse(token) != nil)
            #expect(created.stderr.contains("shown once"))
            #expect(!created.stderr.contains(token))

            let listed = try await cli.run(["tokens", "list", "--json", "--database", url], in: directory)
            #expect(listed.status == 0)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 1 && rows.first?["role"] as? String == "platform_admin" && rows.first?["status"] as? String == "active")
            #expect(rows.first?["expires_at"] is String)
            let id = try #require(rows.first?["id"] as? String)
            #expect(!listed.stdout.contains(token.dropFirst(AccessToken.prefix.count + 9)))
            #expect(try await Self.authenticate(token, url: url)?.role == .platformAdmin)

            let duplicate = try await cli.run(["tokens", "create", "--name", "ci", "--role", "viewer", "--database", url], in: directory)
            #expect(duplicate.status != 0 && duplicate.stdout.isEmpty && duplicate.stderr.contains("already named 'ci'"))
            for lifetime in ["0d", "5x", "d", "-3h", "4000d"] {
                let refused = try await cli.run(["tokens", "create", "--name", "x", "--role", "viewer", "--expires=\(lifetime)", "--database", url], in: directory)
                #expect(refused.status != 0 && refused.stdout.isEmpty && refused.stderr.contains("is not a lifetime"), "--expires \(lifetime)")
            }

            #expect(try await cli.run(["tokens", "revoke", id, "--database", url], in: directory).status == 0)
            #expect(try await Self.authenticate(token, url: url) == nil)
            let again = try await cli.run(["tokens", "revoke", id, "--database", url], in: directory)
            #expect(again.status == 1 && again.stderr.contains("already revoked"))
        }
    }

    private static func authenticate(_ token: String, url: String) async throws -> Principal? {
        try await Store.withStore(try DatabaseURL(parsing: url), logger: Logger(label: "test")) { store in
            try await TokenAuthenticator(store: store).authenticate(authorization: "Bearer \(token)")
        }
    }

    /// A database URL for the command line, with nothing created at it yet.
    private func withTemporaryDatabaseURL(engine: StoreEngine, _ body: @Sendable (String, URL) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            switch engine {
            case .sqlite: try await body("sqlite:\(directory.appendingPathComponent("state/state.sqlite").path)", directory)
            case .postgres: try await withTemporaryPostgresDatabase { url in try await body(url, directory) }
            }
        }
    }

    /// Every value of every table that reads as text.
    static func allText(_ store: Store) async throws -> [String] {
        let tablesQuery: SQLQueryString = store.engine == .sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table'"
            : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
        return try await store.withTransaction { database in
            var cells: [String] = []
            for table in try await database.raw(tablesQuery).all().map({ try $0.decode(column: "name", as: String.self) }) {
                for row in try await database.raw("SELECT * FROM \(ident: table)").all() {
                    cells += row.allColumns.compactMap { try? row.decode(column: $0, as: String.self) }
                }
            }
            return cells
        }
    }
}
