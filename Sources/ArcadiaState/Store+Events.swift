import Foundation
import SQLKit

/// One line of a resource's history.
public struct EventRecord: Sendable, Hashable, Codable {
    public var id: Int
    public var at: Date
    public var kind: String
    public var name: String
    public var type: String
    public var sagaID: String?
    public var detail: String
}

extension Store {
    public func appendEvent(kind: String, name: String, type: String, sagaID: String? = nil, detail: String) async throws {
        try await run("""
            INSERT INTO events (at, kind, name, type, saga_id, detail)
            VALUES (\(bind: Store.timestamp()), \(bind: kind), \(bind: name), \(bind: type), \(bind: sagaID), \(bind: detail))
            """)
    }

    public func events(kind: String, name: String) async throws -> [EventRecord] {
        try await rows("SELECT * FROM events WHERE kind = \(bind: kind) AND name = \(bind: name) ORDER BY id").map { row in
            EventRecord(
                id: try row.decode(column: "id", as: Int.self),
                at: try Store.date(row, "at"),
                kind: try row.decode(column: "kind", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                type: try row.decode(column: "type", as: String.self),
                sagaID: try row.decode(column: "saga_id", as: String?.self),
                detail: try row.decode(column: "detail", as: String.self)
            )
        }
    }
}
