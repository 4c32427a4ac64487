/// A problem opening or using the state store.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// Another worker took the saga over (this one's lease ran out): stop without writing.
    public var isLeaseLost = false

    public static func leaseLost(sagaID: String, owner: String) -> StoreError {
        var error = StoreError("saga \(sagaID) is no longer leased to \(owner): another worker took it over")
        error.isLeaseLost = true
        return error
    }
}
