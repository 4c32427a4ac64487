import Foundation
import SQLKit

/// `POST /api/v1/reconcile` on a replica that does not lead: the request waits in `arcadia_locks`
/// (name `reconcile-request`) until the leader, at its next lease renewal, takes it and reconciles.
extension Store {
    /// Leaves a request for a pass, naming who asked; a second request before the leader takes the
    /// first is the same request.
    public func requestReconcile(by holder: String) async throws {
        try await run("""
            INSERT INTO arcadia_locks (name, holder, since) VALUES ('reconcile-request', \(bind: holder), \(bind: Store.timestamp()))
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, since = excluded.since
            """)
    }

    /// Takes the waiting request, if any: who asked.
    public func takeReconcileRequest() async throws -> String? {
        try await rows("DELETE FROM arcadia_locks WHERE name = 'reconcile-request' RETURNING holder").first?
            .decode(column: "holder", as: String.self)
    }
}
