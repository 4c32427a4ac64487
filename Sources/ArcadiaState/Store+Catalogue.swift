import Foundation
import SQLKit

extension Store {
    /// The catalogue (regions, sizes, images) a plan last read from DigitalOcean, as the JSON it was
    /// saved as, and when it was read; nil if none was saved.
    public func cachedCatalogue() async throws -> (catalogue: Data, fetchedAt: Date)? {
        guard let row = try await rows("SELECT catalogue, fetched_at FROM catalogue_cache WHERE id = 1").first else { return nil }
        return (Data(try row.decode(column: "catalogue", as: String.self).utf8), try Store.date(row, "fetched_at"))
    }

    /// Replaces the cached catalogue with one just read (UTF-8 JSON).
    public func cacheCatalogue(_ catalogue: Data, fetchedAt: Date = Date()) async throws {
        let text = String(decoding: catalogue, as: UTF8.self)
        let at = Store.timestamp(fetchedAt)
        try await run("""
            INSERT INTO catalogue_cache (id, catalogue, fetched_at) VALUES (1, \(bind: text), \(bind: at))
            ON CONFLICT (id) DO UPDATE SET catalogue = \(bind: text), fetched_at = \(bind: at)
            """)
    }
}
