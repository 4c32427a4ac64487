import ArcadiaState
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Delivers queued ``WebhookEvent``s to one URL, oldest first, as a service of the controller's group.
///
/// Each delivery is a POST of the event's JSON with `X-Arcadia-Event` (its type), `X-Arcadia-Delivery`
/// (its id, the same on every retry) and `X-Arcadia-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.
/// A 2xx answer delivers it; any other answer, a time-out or a refused connection is retried after
/// `baseDelay`, doubling each time up to `maximumDelay`, and given up after `maximumAttempts`
/// attempts (its `given_up_at` and `last_error` stay in the state). While the oldest delivery waits for
/// its retry the later ones wait behind it, so a receiver sees events in the order they happened.
/// Deliveries live in the state: a receiver that is down, or a dispatcher that restarts, loses none.
/// Several dispatchers on one database never send one delivery at once (a claim holds it for `lease`).
public struct WebhookDispatcher: Service, CustomStringConvertible {
    /// What ServiceLifecycle logs of the service: never the URL, which may carry credentials.
    public var description: String { "WebhookDispatcher" }

    public struct Configuration: Sendable {
        /// Where events are POSTed. Never logged: such URLs often carry a secret of their own.
        public var url: String
        public var secret: WebhookSecret
        public var maximumAttempts: Int
        /// The wait after the first failure; each further failure doubles it.
        public var baseDelay: Duration
        public var maximumDelay: Duration
        /// How often the queue is looked at when nothing was due.
        public var pollInterval: Duration
        /// How long a receiver has to answer.
        public var requestTimeout: Duration

        public init(
            url: String, secret: WebhookSecret, maximumAttempts: Int = 10, baseDelay: Duration = .seconds(1),
            maximumDelay: Duration = .seconds(300), pollInterval: Duration = .seconds(1), requestTimeout: Duration = .seconds(10)
        ) {
            self.url = url
            self.secret = secret
            self.maximumAttempts = max(1, maximumAttempts)
            self.baseDelay = baseDelay
            self.maximumDelay = maximumDelay
            self.pollInterval = pollInterval
            self.requestTimeout = requestTimeout
        }

        /// The wait before the attempt after `failures` failed ones: base · 2^(failures − 1), capped.
        public func retryDelay(afterFailures failures: Int) -> Duration {
            let doublings = min(max(0, failures - 1), 30)
            return min(baseDelay * (1 << doublings), maximumDelay)
        }

        /// A claimed delivery is not claimed again for this long: more than one request's time-out.
        var lease: Duration { requestTimeout * 2 + .seconds(5) }
    }

    public let store: Store
    public let configuration: Configuration
    private let httpClient: HTTPClient
    private let logger: Logger

    public init(store: Store, configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Delivers until graceful shutdown or cancellation. A delivery under way when shutdown begins is
    /// finished and recorded; a state database that fails is logged and tried again after a poll interval.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await deliverDue()
            } catch where error is CancellationError || Task.isCancelled {
                return
            } catch {
                logger.error("webhook deliveries could not be read or recorded; trying again", metadata: ["arcadia.error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { [pollInterval = configuration.pollInterval] in try await Task.sleep(for: pollInterval) }
            } catch {
                return
            }
        }
    }

    /// Sends every due delivery in order, stopping at the first that fails (it is due again later).
    func deliverDue() async throws {
        while !Task.isShuttingDownGracefully, let delivery = try await store.claimNextWebhookDelivery(lease: configuration.lease) {
            guard try await deliver(delivery) else { return }
        }
    }

    /// - Returns: whether it was delivered.
    private func deliver(_ delivery: WebhookDelivery) async throws -> Bool {
        var metadata: Logger.Metadata = ["arcadia.webhook.delivery": "\(delivery.id)", "arcadia.webhook.event": "\(delivery.event)"]
        let failure: String
        do {
            let response = try await httpClient.execute(request(for: delivery), timeout: Self.timeAmount(configuration.requestTimeout))
            let answer = try? await response.body.collect(upTo: 4096)
            if (200..<300).contains(response.status.code) {
                try await store.markWebhookDelivered(id: delivery.id)
                logger.debug("webhook delivered", metadata: metadata)
                return true
            }
            let excerpt = answer.map { String(buffer: $0) }.map(Self.oneLine) ?? ""
            failure = "HTTP \(response.status.code) \(response.status.reasonPhrase)" + (excerpt.isEmpty ? "" : ": \(excerpt)")
        } catch where error is CancellationError || Task.isCancelled {
            // Not the receiver's failure: the claim runs out and the next dispatcher sends it.
            throw CancellationError()
        } catch {
            failure = Self.oneLine(String(describing: error))
        }
        let failures = delivery.attempts + 1
        let retryAfter = failures >= configuration.maximumAttempts ? nil : configuration.retryDelay(afterFailures: failures)
        try await store.markWebhookFailed(id: delivery.id, error: failure, retryAfter: retryAfter)
        metadata["arcadia.webhook.attempts"] = "\(failures)"
        metadata["arcadia.error"] = "\(failure)"
        if let retryAfter {
            logger.warning("webhook delivery failed; retrying", metadata: metadata.merging(["arcadia.webhook.retry_in": "\(retryAfter)"]) { $1 })
        } else {
            logger.error("webhook delivery given up", metadata: metadata)
        }
        return false
    }

    private func request(for delivery: WebhookDelivery) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: configuration.url)
        // A user and password in the URL are sent as Basic credentials, as curl would, not dropped.
        if var parts = URLComponents(string: configuration.url), let user = parts.user {
            let credentials = "\(user.removingPercentEncoding ?? user):\((parts.password ?? "").removingPercentEncoding ?? "")"
            request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
            (parts.user, parts.password) = (nil, nil)
            request.url = parts.string ?? configuration.url
        }
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "arcadia-webhook")
        request.headers.add(name: "X-Arcadia-Event", value: delivery.event)
        request.headers.add(name: "X-Arcadia-Delivery", value: String(delivery.id))
        request.headers.add(name: "X-Arcadia-Signature", value: configuration.secret.signature(for: Array(delivery.payload.utf8)))
        request.body = .bytes(ByteBuffer(string: delivery.payload))
        return request
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// At most 300 characters on one line: what `last_error` and the log keep of a failure.
    private static func oneLine(_ text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(300))
    }
}
