import Foundation
import NIOConcurrencyHelpers

/// DigitalOcean's budgets as rolling windows: 250 requests a minute and 5,000 an hour per token.
/// The `ratelimit-*` headers report the hourly one, as DigitalOcean's do.
final class RateLimiter: Sendable {
    struct Decision {
        var limit: Int
        var remaining: Int
        /// Unix time at which the oldest request in the hourly window stops counting.
        var reset: Int
        /// Set when the request is over a budget: whole seconds until it would fit.
        var retryAfter: Int?
    }

    let perMinute: Int
    let perHour: Int
    /// Admitted requests' times, oldest first; rejected requests do not count.
    private let requests = NIOLockedValueBox<[Date]>([])

    init(perMinute: Int = 250, perHour: Int = 5_000) {
        self.perMinute = perMinute
        self.perHour = perHour
    }

    func admit(at now: Date = Date()) -> Decision {
        guard perMinute > 0 || perHour > 0 else {
            return Decision(limit: 5_000, remaining: 5_000, reset: Int(now.timeIntervalSince1970) + 3_600, retryAfter: nil)
        }
        return requests.withLockedValue { times in
            let hourAgo = now.addingTimeInterval(-3_600)
            if let firstKept = times.firstIndex(where: { $0 > hourAgo }) {
                times.removeFirst(firstKept)
            } else {
                times.removeAll()
            }
            var waits: [TimeInterval] = []
            if perHour > 0, times.count >= perHour {
                waits.append(times[times.count - perHour].timeIntervalSince(hourAgo))
            }
            if perMinute > 0 {
                let minuteAgo = now.addingTimeInterval(-60)
                let lastMinute = times.count - (times.firstIndex { $0 > minuteAgo } ?? times.count)
                if lastMinute >= perMinute {
                    waits.append(times[times.count - perMinute].timeIntervalSince(minuteAgo))
                }
            }
            let retryAfter = waits.max().map { max(1, Int($0.rounded(.up))) }
            if retryAfter == nil { times.append(now) }
            let limit = perHour > 0 ? perHour : perMinute
            let used = perHour > 0 ? times.count : times.count { $0 > now.addingTimeInterval(-60) }
            let window: TimeInterval = perHour > 0 ? 3_600 : 60
            return Decision(
                limit: limit,
                remaining: max(0, limit - used),
                reset: Int((times.first ?? now).addingTimeInterval(window).timeIntervalSince1970),
                retryAfter: retryAfter
            )
        }
    }
}
