import NIOConcurrencyHelpers

/// Requests counted per `METHOD /route/{template}`, 429s sent and faults injected: what `GET /_sim/stats` shows.
final class SimulatorStats: Sendable {
    private struct Counts {
        var requests: [String: Int] = [:]
        var rateLimited = 0
        var faults: [String: Int] = [:]
    }

    private let counts = NIOLockedValueBox(Counts())

    func record(method: String, route: String) {
        counts.withLockedValue { $0.requests["\(method) \(route)", default: 0] += 1 }
    }

    func recordRateLimited() {
        counts.withLockedValue { $0.rateLimited += 1 }
    }

    /// `kind` is `error`, `drop`, `lose_response`, `latency` or `action_error`.
    func recordFault(_ kind: String) {
        counts.withLockedValue { $0.faults[kind, default: 0] += 1 }
    }

    /// `{"total": N, "requests": {"GET /v2/droplets": n, …}, "rate_limited": n, "faults": {…}}`;
    /// admin routes are not counted.
    func snapshot() -> [String: Any] {
        let counts = counts.withLockedValue { $0 }
        return [
            "total": counts.requests.values.reduce(0, +),
            "requests": counts.requests,
            "rate_limited": counts.rateLimited,
            "faults": counts.faults,
        ]
    }
}
