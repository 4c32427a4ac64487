import ArcadiaState
import ArcadiaTestSupport
import Foundation
import Testing

/// A transaction whose task is cancelled part-way still ends, so SQLite's one connection is never left
/// inside it (the next transaction then failed with "cannot start a transaction within a transaction").
@Suite struct TransactionCancellationTests {
    struct Failed: Error {}

    @Test(arguments: StoreEngine.allCases) func aCancelledTransactionRollsBackAndTheNextOneRuns(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let task = Task {
                try await store.withTransaction { database in
                    try await database.raw("INSERT INTO drift_checks (id, checked_at) VALUES (1, '2026-01-01T00:00:00Z')").run()
                    withUnsafeCurrentTask { $0?.cancel() }
                    throw Failed()
                }
            }
            await #expect(throws: Failed.self) { try await task.value }
            try await store.withTransaction { database in try await database.raw("SELECT 1").run() }
            #expect(try await store.lastDriftCheck() == nil, "the cancelled transaction's write did not land")
        }
    }
}
