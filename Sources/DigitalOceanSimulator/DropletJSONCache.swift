import Foundation
import NIOConcurrencyHelpers

/// Each droplet's JSON as `GET /v2/droplets` last encoded it, reused while nothing it shows has changed.
///
/// Encoding droplets (each with its size, region and image) was most of what a listing cost, and an
/// account's droplets rarely change between two reads. An entry is reused only when the droplet's
/// ``DropletAppearance`` equals the one it was encoded from, so no change anywhere in the world can
/// leave a stale body behind. Encoding happens outside the lock and outside the world, so pages
/// requested at once are encoded at once.
final class DropletJSONCache: Sendable {
    private struct Entry: Sendable {
        var appearance: DropletAppearance
        var json: Data
    }

    private let entries = NIOLockedValueBox<[Int: Entry]>([:])

    /// The droplets' bodies, in order.
    func json(for appearances: [DropletAppearance]) -> [Data] {
        let cached = entries.withLockedValue { entries in
            appearances.map { appearance in entries[appearance.droplet.id].flatMap { $0.appearance == appearance ? $0.json : nil } }
        }
        var fresh: [Int: Entry] = [:]
        let bodies = zip(appearances, cached).map { appearance, cached in
            if let cached { return cached }
            // Plain structs of strings, numbers and arrays: encoding cannot fail.
            let json = (try? JSONResponse.encoder.encode(appearance.body)) ?? Data("{}".utf8)
            fresh[appearance.droplet.id] = Entry(appearance: appearance, json: json)
            return json
        }
        if !fresh.isEmpty {
            entries.withLockedValue { $0.merge(fresh) { _, new in new } }
        }
        return bodies
    }

    /// Drops a deleted droplet's body. Droplet ids are never reused, so an entry this misses (a page
    /// encoded while its droplet was deleted) is only memory, never served.
    func forget(dropletID: Int) {
        _ = entries.withLockedValue { $0.removeValue(forKey: dropletID) }
    }
}
