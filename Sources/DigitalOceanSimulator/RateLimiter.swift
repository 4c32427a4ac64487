import Foundation
import NIOConcurrencyHelpers

/// DigitalOcean's hourly budget as a rolling window: what the `ratelimit-*` headers report.
final class RateLimiter: Sendable {
    struct Status {
        var limit: Int
        var remaining: Int
        /// Unix time at which the oldest request in the window stops counting.
        var reset: Int
    }

    let limit: Int
    let window: TimeInterval
    private let requests = NIOLockedValueBox<[Date]>([])

    init(limit: Int = 5_000, window: TimeInterval = 3_600) {
        self.limit = limit
        self.window = window
    }

    func record(at now: Date = Date()) -> Status {
        requests.withLockedValue { times in
            let cutoff = now.addingTimeInterval(-window)
            if let firstKept = times.firstIndex(where: { $0 > cutoff }) {
                times.removeFirst(firstKept)
            } else {
                times.removeAll()
            }
            times.append(now)
            let oldest = times.first ?? now
            return Status(
                limit: limit,
                remaining: max(0, limit - times.count),
                reset: Int(oldest.addingTimeInterval(window).timeIntervalSince1970)
            )
        }
    }
}
