import Foundation
import NIOConcurrencyHelpers

/// The time a store measures leases and locks by: the database's own clock (see
/// ``Store/leaseClock(_:)``), moved forward by however far ``advance(by:)`` has moved it. Tests move
/// it to see a lease run out without waiting for one; in production it is never moved.
public final class StoreClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)

    public init() {}

    /// Moves this store's time forward: a lease that had `duration` left has now run out.
    public func advance(by duration: Duration) {
        offset.withLockedValue { $0 += duration.timeInterval }
    }

    func now(from databaseTime: Date) -> Date {
        databaseTime.addingTimeInterval(offset.withLockedValue { $0 })
    }
}

extension Duration {
    /// In seconds, as `Date` arithmetic takes them.
    public var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
