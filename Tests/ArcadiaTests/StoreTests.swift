import ArcadiaState
import ArcadiaTestSupport
import Foundation
import Logging
import Testing

/// The SQLite store: migrations, inventory sync, the drift inbox's one-open-record rule, the saga ledger.
@Suite struct StoreTests {
    @Test func migrationsRunOnceAndReopeningKeepsTheData() async throws {
        try await withTemporaryDirectory { directory in
            let url = DatabaseURL.sqlite(path: directory.appendingPathComponent("nested/dir/state.sqlite").path)
            let logger = Logger(label: "test")
            try await Store.withStore(url, logger: logger) { store in
                try await store.recordApplied(kind: "Droplet", name: "web", resourceID: "1", spec: "{}", sagaID: "s")
            }
            let records = try await Store.withStore(url, logger: logger) { store in try await store.provisioned(kind: "Droplet") }
            #expect(records.map(\.name) == ["web"])
        }
    }

    @Test(arguments: StoreEngine.allCases) func specVersionGrowsOnlyWhenTheAppliedSpecChanges(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            try await store.recordApplied(kind: "Droplet", name: "web", resourceID: "1", spec: #"{"size":"a"}"#, sagaID: "s1")
            try await store.recordApplied(kind: "Droplet", name: "web", resourceID: "1", spec: #"{"size":"a"}"#, sagaID: "s2")
            #expect(try await store.provisioned(kind: "Droplet").first?.specVersion == 1)
            try await store.recordApplied(kind: "Droplet", name: "web", resourceID: "1", spec: #"{"size":"b"}"#, sagaID: "s3")
            #expect(try await store.provisioned(kind: "Droplet").first?.specVersion == 2)
        }
    }

    @Test(arguments: StoreEngine.allCases) func syncMarksVanishedResourcesDeleted(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let a = ResourceRecord(kind: "Droplet", id: "1", name: "a", managed: true, attributes: "{}")
            let b = ResourceRecord(kind: "Droplet", id: "2", name: "b", managed: false, attributes: "{}")
            try await store.syncResources(kind: "Droplet", seen: [a, b])
            #expect(try await store.presentResources(kind: "Droplet").map(\.id) == ["1", "2"])
            let vanished = try await store.syncResources(kind: "Droplet", seen: [b])
            #expect(vanished == 1)
            #expect(try await store.presentResources(kind: "Droplet").map(\.id) == ["2"])
        }
    }

    @Test(arguments: StoreEngine.allCases) func atMostOneOpenDriftRecordPerField(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            #expect(try await store.openDrift(kind: "Droplet", name: "web", resourceID: "1", field: "size", expected: "a", actual: "b"))
            #expect(try await store.openDrift(kind: "Droplet", name: "web", resourceID: "1", field: "size", expected: "a", actual: "c") == false)
            let open = try await store.drift(status: .open)
            #expect(open.count == 1)
            #expect(open.first?.actual == "c", "the open record follows the latest live value")
            #expect(try await store.events(kind: "Droplet", name: "web").map(\.type) == ["drift_detected"])

            // The database itself refuses a second open row, whoever writes it.
            await #expect(throws: (any Error).self) {
                try await store.withTransaction { database in
                    try await database.raw("""
                        INSERT INTO drift (kind, name, resource_id, field, expected, actual, status, detected_at)
                        VALUES ('Droplet', 'web', '1', 'size', 'a', 'd', 'open', 'now')
                        """).run()
                }
            }
            try await store.resolveDrift(kind: "Droplet", name: "web", field: "size", as: .reverted)
            #expect(try await store.openDrift(kind: "Droplet", name: "web", resourceID: "1", field: "size", expected: "a", actual: "e"))
            #expect(try await store.drift().map(\.status) == [.reverted, .open], "resolved rows stay as history")
        }
    }

    @Test(arguments: StoreEngine.allCases) func sagaLedgerKeepsStepsAndFindsSagasByPrefix(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let saga = SagaRecord(
                id: "abcdef12-0000-0000-0000-000000000000", kind: "create", resourceKind: "Droplet", resourceName: "web",
                context: "{}", steps: [SagaStepRecord(position: 0, name: "CreateDroplet"), SagaStepRecord(position: 1, name: "WaitDropletActive")]
            )
            try await store.insertSaga(saga)
            var step = SagaStepRecord(position: 0, name: "CreateDroplet", status: .completed, attempts: 1)
            step.finishedAt = Date()
            try await store.recordStep(sagaID: saga.id, step: step, sagaStatus: .running, context: #"{"dropletID":"7"}"#)
            let loaded = try #require(try await store.saga(id: "abcdef12"))
            #expect(loaded.status == .running)
            #expect(loaded.context == #"{"dropletID":"7"}"#)
            #expect(loaded.steps.map(\.status) == [.completed, .pending])
            #expect(try await store.sagas(status: .running).map(\.id) == [saga.id])
            #expect(try await store.unfinishedSagas().map(\.id) == [saga.id])
            try await store.updateSaga(id: saga.id, status: .rolledBack, context: "{}")
            #expect(try await store.unfinishedSagas().isEmpty)
            #expect(try await store.saga(id: "ffff") == nil)
            #expect(try await store.saga(id: "%") == nil, "not a LIKE pattern")
        }
    }

    @Test func databaseURLsParseAndNeverShowThePassword() throws {
        let postgres = try DatabaseURL(parsing: "postgres://arcadia:secret@db.internal:5432/state")
        #expect(postgres.engine == .postgres)
        #expect(postgres.description == "postgres://arcadia@db.internal:5432/state")
        #expect(try DatabaseURL(parsing: "sqlite:.arcadia/state.sqlite") == .sqlite(path: ".arcadia/state.sqlite"))
        let noDatabase = #expect(throws: StoreError.self) { try DatabaseURL(parsing: "postgres://u:secret@localhost") }
        #expect(noDatabase.map { !"\($0)".contains("secret") } == true, "credentials never appear in errors")
        #expect(throws: StoreError.self) { try DatabaseURL(parsing: "mysql://localhost/db") }
    }

    @Test func bothEnginesHaveTheSameMigrations() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let names = { (engine: String) in
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("migrations/\(engine)").path)
                .filter { $0.hasSuffix(".sql") }.sorted()
        }
        let sqlite = try names("sqlite")
        let postgres = try names("postgres")
        #expect(!sqlite.isEmpty)
        #expect(sqlite == postgres, "a migration exists for one engine only: \(Set(sqlite).symmetricDifference(postgres).sorted())")
    }

    @Test func anUnreachableServerIsAClearError() async throws {
        let error = await #expect(throws: StoreError.self) {
            try await Store.withStore(.postgres(url: "postgres://arcadia:secret@127.0.0.1:1/state"), logger: Logger(label: "test")) { _ in }
        }
        #expect(error?.description.contains("cannot connect to the state database at postgres://arcadia@127.0.0.1:1/state") == true)
        #expect(error.map { !"\($0)".contains("secret") } == true)
    }
}
