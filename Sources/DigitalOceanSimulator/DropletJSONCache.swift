import Foundation
import NIOConcurrencyHelpers

/// Each droplet's JSON as `GET /v2/droplets` last encoded it, reused while nothing it shows has changed.
///
/// Encoding droplets was most of what a listing cost, and an account's droplets rarely change between
/// two reads. An entry is reused only when the droplet's ``DropletAppearance`` equals the one it was
/// encoded from, so no change anywhere in the world can leave a stale body behind. A body is kept in
/// two pieces: the droplet's own fields, and its image, size and region, which are encoded once for
/// every droplet that shows the same ones (two thirds of the bytes). Encoding happens outside the lock
/// and outside the world, so pages requested at once are encoded at once.
final class DropletJSONCache: Sendable {
    /// One droplet's JSON: `own` opens the object, `catalogue` closes it.
    struct Pieces: Sendable {
        /// `{"id":…,…`: the droplet's own fields, the closing brace left off.
        var own: Data
        /// `,"image":{…},"size":{…},"region":{…}}`.
        var catalogue: Data
    }

    private struct Entry: Sendable {
        var appearance: DropletAppearance
        var pieces: Pieces
    }

    private struct State: Sendable {
        var entries: [Int: Entry] = [:]
        /// Catalogue pieces by `image size region`, for droplets built from a catalogue image.
        var catalogues: [String: Data] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// The droplets' bodies, in order.
    func json(for appearances: [DropletAppearance]) -> [Pieces] {
        let (cached, catalogues) = state.withLockedValue { state in
            let cached = appearances.map { appearance in
                state.entries[appearance.droplet.id].flatMap { $0.appearance == appearance ? $0.pieces : nil }
            }
            return (cached, state.catalogues)
        }
        var fresh = State()
        let bodies = zip(appearances, cached).map { appearance, cached in
            if let cached { return cached }
            let droplet = appearance.droplet
            let body = appearance.body
            let key = appearance.sourceImage == nil ? "\(droplet.image) \(droplet.size) \(droplet.region)" : nil
            let catalogue = key.flatMap { catalogues[$0] ?? fresh.catalogues[$0] } ?? Self.closing(body.catalogue)
            if let key { fresh.catalogues[key] = catalogue }
            let pieces = Pieces(own: Self.opening(body.own), catalogue: catalogue)
            fresh.entries[droplet.id] = Entry(appearance: appearance, pieces: pieces)
            return pieces
        }
        if !fresh.entries.isEmpty {
            state.withLockedValue { state in
                state.entries.merge(fresh.entries) { _, new in new }
                state.catalogues.merge(fresh.catalogues) { old, _ in old }
            }
        }
        return bodies
    }

    /// Drops a deleted droplet's body. Droplet ids are never reused, so an entry this misses (a page
    /// encoded while its droplet was deleted) is only memory, never served.
    func forget(dropletID: Int) {
        _ = state.withLockedValue { $0.entries.removeValue(forKey: dropletID) }
    }

    // Plain structs of strings, numbers and arrays: encoding cannot fail, and objects end in `}`, start with `{`.

    private static func opening(_ own: Bodies.DropletFields) -> Data {
        ((try? JSONResponse.encoder.encode(own)) ?? Data(#"{"id":\#(own.id)}"#.utf8)).dropLast()
    }

    private static func closing(_ catalogue: Bodies.DropletCatalogue) -> Data {
        Data(",".utf8) + ((try? JSONResponse.encoder.encode(catalogue)) ?? Data("{}".utf8)).dropFirst()
    }
}
