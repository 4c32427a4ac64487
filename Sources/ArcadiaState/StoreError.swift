/// A problem opening or using the state store.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// Another worker took the saga over (this one's lease ran out): stop without writing.
    public var isLeaseLost = false

    /// Another process holds the state's apply lock: nothing was done; try again once it is free.
    public var isApplyLockHeld = false

    public static func applyLockHeld(_ message: String) -> StoreError {
        var error = StoreError(message)
        error.isApplyLockHeld = true
        return error
    }

    public static func leaseLost(sagaID: String, owner: String) -> StoreError {
        var error = StoreError("saga \(sagaID) is no longer leased to \(owner): another worker took it over")
        error.isLeaseLost = true
        return error
    }
}
