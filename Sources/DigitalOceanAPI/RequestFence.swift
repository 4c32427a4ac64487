import NIOConcurrencyHelpers
import NIOCore

/// A moment past which the current task must not be talking to DigitalOcean: a saga worker's lease.
///
/// A worker runs its steps with its fence set (``current``, a task-local value) and moves the fence
/// on every lease renewal. The client refuses to start a request that could not finish before the
/// fence, and cuts a request's time-out to it, so a worker whose lease ran out (a stalled heartbeat,
/// a lost database) can no longer act on DigitalOcean once another worker may have taken its saga.
public final class RequestFence: Sendable {
    @TaskLocal public static var current: RequestFence?

    private let box: NIOLockedValueBox<ContinuousClock.Instant>

    public init(until deadline: ContinuousClock.Instant) {
        box = NIOLockedValueBox(deadline)
    }

    public var deadline: ContinuousClock.Instant { box.withLockedValue { $0 } }

    /// Moves the fence to `deadline` (never back).
    public func extend(to deadline: ContinuousClock.Instant) {
        box.withLockedValue { $0 = max($0, deadline) }
    }

    /// Requests need at least this long before the fence to be sent.
    static let minimumTime: Duration = .milliseconds(200)

    /// The time-out for a request started now: `standard`, or less under a fence; throws
    /// ``DigitalOceanError/Code/fenced`` when too little time is left.
    static func timeout(for request: String, within standard: TimeAmount) throws -> TimeAmount {
        guard let fence = current else { return standard }
        let remaining = ContinuousClock.now.duration(to: fence.deadline)
        guard remaining > minimumTime else {
            throw DigitalOceanError(
                code: .fenced, message: "not sent: this worker's lease on its saga runs out before the request could finish", request: request
            )
        }
        let nanoseconds = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
        return min(standard, .nanoseconds(nanoseconds))
    }
}
