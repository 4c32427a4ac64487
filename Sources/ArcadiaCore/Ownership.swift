/// The tags by which Arcadia recognises what it owns.
public enum Ownership {
    /// Carried by every resource Arcadia creates.
    public static let managedTag = "managed-by-arcadia"
    /// Prefix of the tag naming the saga that created a resource: `arcadia-saga-<8 hex>`.
    public static let sagaTagPrefix = "arcadia-saga-"

    public static func sagaTag(forSagaID id: String) -> String {
        sagaTagPrefix + String(id.lowercased().filter(\.isHexDigit).prefix(8))
    }

    /// Tags are case-insensitive at DigitalOcean.
    public static func isOwnershipTag(_ tag: String) -> Bool {
        let lowered = tag.lowercased()
        return lowered == managedTag || lowered.hasPrefix(sagaTagPrefix)
    }
}
