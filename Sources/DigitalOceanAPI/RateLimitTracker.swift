import NIOConcurrencyHelpers
import NIOHTTP1

/// Remembers the latest `ratelimit-*` headers so callers (and the pacer) can see the budget.
final class RateLimitTracker: Sendable {
    private let state = NIOLockedValueBox<RateLimitStatus?>(nil)

    var current: RateLimitStatus? { state.withLockedValue { $0 } }

    @discardableResult
    func record(_ headers: HTTPHeaders) -> RateLimitStatus? {
        guard
            let limit = headers.first(name: "ratelimit-limit").flatMap(Int.init),
            let remaining = headers.first(name: "ratelimit-remaining").flatMap(Int.init),
            let reset = headers.first(name: "ratelimit-reset").flatMap(Int.init)
        else { return nil }
        let status = RateLimitStatus(limit: limit, remaining: remaining, reset: reset)
        state.withLockedValue { $0 = status }
        return status
    }
}
