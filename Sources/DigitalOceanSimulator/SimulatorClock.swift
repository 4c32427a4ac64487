import Foundation
import NIOConcurrencyHelpers

/// The simulated account's time: the wall clock, or a clock that moves only when told. Every action's
/// progress, a snapshot's listing delay and a firewall's settling are measured by it, so a test can
/// move past them with ``advance(by:)`` instead of sleeping.
public final class SimulatorClock: Sendable {
    private struct State {
        var offset: TimeInterval = 0
        var frozenAt: Date?
    }

    private let state: NIOLockedValueBox<State>

    /// `manual: false` follows the wall clock (plus whatever ``advance(by:)`` added); `manual: true`
    /// stands still from now on until it is advanced.
    public init(manual: Bool = false) {
        state = NIOLockedValueBox(State(frozenAt: manual ? Date() : nil))
    }

    public var now: Date {
        state.withLockedValue { state in (state.frozenAt ?? Date()).addingTimeInterval(state.offset) }
    }

    /// Moves the account's time forward by `seconds` of simulated time, as already scaled (with a
    /// time scale of 0.01, a 150 s snapshot takes 1.5 s).
    public func advance(by seconds: TimeInterval) {
        state.withLockedValue { $0.offset += seconds }
    }
}
