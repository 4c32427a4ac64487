import Foundation

/// Spaces this process's requests so they stay inside DigitalOcean's budgets: at most `perMinute` in any
/// rolling minute (DigitalOcean allows 250 and does not report that budget in headers), and, when the
/// hourly budget the `ratelimit-*` headers report runs low, what is left spread evenly until it resets.
/// After a 429 everyone waits as `retry-after` says.
///
/// Slots are reserved in order, so many concurrent callers (sagas sharing one client) cannot overshoot.
public actor RequestPacer {
    /// Requests allowed in any rolling 60 s; a little under DigitalOcean's 250, for headroom.
    public let perMinute: Int
    /// Below this share of the hourly budget remaining, requests are spread until the reset.
    public let hourlyReserve: Double

    private var granted: [Date] = []
    private var lastGranted = Date.distantPast
    private var pausedUntil = Date.distantPast
    private var hourly: RateLimitStatus?

    public init(perMinute: Int = 240, hourlyReserve: Double = 0.1) {
        self.perMinute = max(1, perMinute)
        self.hourlyReserve = hourlyReserve
    }

    /// Waits for this request's slot.
    public func acquire() async throws {
        let delay = reserve(now: Date()).timeIntervalSinceNow
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
    }

    /// Holds every request until `date` (a 429's `retry-after`).
    public func pause(until date: Date) {
        pausedUntil = max(pausedUntil, date)
    }

    /// The latest `ratelimit-*` headers.
    public func observe(_ status: RateLimitStatus) {
        hourly = status
    }

    func reserve(now: Date) -> Date {
        var slot = max(now, pausedUntil, lastGranted)
        if let first = granted.firstIndex(where: { $0 > slot.addingTimeInterval(-60) }) {
            granted.removeFirst(first)
        } else {
            granted.removeAll()
        }
        // The minute budget: the slot must fall a minute after the request `perMinute` places back.
        if granted.count >= perMinute {
            slot = max(slot, granted[granted.count - perMinute].addingTimeInterval(60))
        }
        // Past half the budget, even spacing instead of a burst followed by a minute's wait.
        if granted.count >= perMinute / 2 {
            slot = max(slot, lastGranted.addingTimeInterval(60 / Double(perMinute)))
        }
        if let hourly, Double(hourly.remaining) < Double(hourly.limit) * hourlyReserve {
            let untilReset = max(0, TimeInterval(hourly.reset) - now.timeIntervalSince1970)
            slot = max(slot, lastGranted.addingTimeInterval(untilReset / Double(max(1, hourly.remaining))))
        }
        granted.append(slot)
        lastGranted = slot
        return slot
    }
}
