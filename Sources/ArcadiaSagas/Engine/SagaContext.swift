import Foundation

/// The values a saga's steps share, persisted as JSON after every step so a resumed saga has them.
public struct SagaContext: Sendable, Hashable, Codable {
    public enum Key: String, Sendable {
        /// JSON of the `DesiredResource` being applied.
        case desired
        case resourceName
        case sagaID
        /// `arcadia-saga-<8 hex>`: how a step finds what it created after a crash.
        case sagaTag
        /// The droplet the saga works on (the new one, for a replace).
        case dropletID
        /// The droplet a replace or destroy removes.
        case destroyDropletID
        case createActionID
        case originalSize
        case targetSize
        case resizeDisk
        case snapshotName
        case snapshotID
        /// `policy.keepSnapshots`: how many resize snapshots PruneSnapshots keeps.
        case keepSnapshots
        /// Comma-separated fields whose drift this saga reverts.
        case revertsDrift
        /// Set when compensation starts: the status it ends in (`rolled_back`, `cancelled`, `superseded`),
        /// and why it started, so a resumed compensation ends as it would have.
        case compensationEnding
        case compensationCause
        /// JSON of the `AppliedDocument` Arcadia's record held before the saga, with the resource id it
        /// named: what compensating the saga's record step puts back.
        case previousApplied
        case previousResourceID
    }

    public var values: [String: String]

    public init(_ values: [Key: String] = [:]) {
        self.values = Dictionary(uniqueKeysWithValues: values.map { ($0.key.rawValue, $0.value) })
    }

    public subscript(_ key: Key) -> String? {
        get { values[key.rawValue] }
        set { values[key.rawValue] = newValue }
    }

    /// The value, or a permanent error naming the missing key (a saga built wrongly, not a transient fault).
    public func require(_ key: Key, step: String) throws -> String {
        guard let value = self[key] else {
            throw StepError.permanent("step \(step) needs '\(key.rawValue)' in the saga context, which is missing")
        }
        return value
    }

    public func requireInt(_ key: Key, step: String) throws -> Int {
        guard let value = Int(try require(key, step: step)) else {
            throw StepError.permanent("step \(step): '\(key.rawValue)' in the saga context is not a number")
        }
        return value
    }

    func encoded() -> String {
        // A dictionary of strings always encodes.
        (try? CanonicalJSON.string(values)) ?? "{}"
    }

    static func decode(_ text: String) throws -> SagaContext {
        var context = SagaContext()
        context.values = try CanonicalJSON.decode([String: String].self, from: text)
        return context
    }
}
