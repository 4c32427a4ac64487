/// How the client retries a failed request. Only requests that are safe to repeat (`GET`, `PUT`,
/// `DELETE`) are retried after a server error or a lost connection; a `POST` is retried only after a
/// 429, which DigitalOcean answers before doing anything. Any other failed `POST` surfaces as
/// ``DigitalOceanError/Code/outcomeUnknown`` for the caller to resolve.
public struct RetryPolicy: Sendable {
    /// Attempts per request, including the first.
    public var maxAttempts: Int
    /// First back-off delay in seconds; doubles with each attempt. Each wait is drawn between half
    /// and all of that, so clients that failed together do not retry together.
    public var baseDelay: Double
    /// No single wait is longer than this, unless `retry-after` asks for more.
    public var maxDelay: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.5, maxDelay: Double = 30) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let standard = RetryPolicy()

    /// Seconds to wait before attempt `attempt + 1`, never shorter than `retry-after` asked for.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        let exponential = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 16)))
        return max(retryAfter ?? 0, Double.random(in: exponential / 2...exponential))
    }
}
