import ArcadiaController
import ArcadiaState
import ArcadiaTestSupport
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing

/// Webhook deliveries as a receiver on 127.0.0.1 sees them: signed, retried while it is down, given up
/// after the bound.
@Suite struct WebhookTests {
    static let secretText = "test-secret-\(UUID().uuidString)"

    /// What a receiver got, and what it answers.
    final class Receiver: Sendable {
        struct Request: Sendable {
            /// By lower-case name.
            var headers: [String: String]
            var body: String
        }

        let requests = NIOLockedValueBox<[Request]>([])
        let status: NIOLockedValueBox<Int>

        init(status: Int = 200) {
            self.status = NIOLockedValueBox(status)
        }

        var all: [Request] { requests.withLockedValue { $0 } }
    }

    /// Serves `receiver` on 127.0.0.1 (`port`, or any free one) while `body` runs; `body` gets the port.
    static func serving<T: Sendable>(_ receiver: Receiver, port: Int = 0, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            /// By lower-case name.
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            receiver.requests.withLockedValue { $0.append(Receiver.Request(headers: headers, body: String(buffer: bytes))) }
            return Response(status: .init(code: receiver.status.withLockedValue { $0 }))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .warning
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        return try await runningAlongside(application, logger: logger) {
            var iterator = ports.makeAsyncIterator()
            let bound = try #require(await iterator.next())
            return try await body(bound)
        }
    }

    /// Runs `service` in a service group while `body` runs, then shuts it down gracefully.
    static func runningAlongside<T: Sendable>(_ service: some Service, logger: Logger, _ body: @Sendable () async throws -> T) async throws -> T {
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let result = try await body()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    static func dispatcher(_ store: Store, port: Int, maximumAttempts: Int = 10) throws -> WebhookDispatcher {
        var logger = Logger(label: "test.webhooks")
        logger.logLevel = .critical
        let configuration = WebhookDispatcher.Configuration(
            url: "http://127.0.0.1:\(port)/hook", secret: try WebhookSecret(secretText), maximumAttempts: maximumAttempts,
            baseDelay: .milliseconds(20), maximumDelay: .milliseconds(100), pollInterval: .milliseconds(20), requestTimeout: .seconds(2)
        )
        return WebhookDispatcher(store: store, configuration: configuration, logger: logger)
    }

    /// Waits (up to 20 s) until `condition` holds; the dispatcher works on its own schedule.
    static func waitUntil(_ what: Comment, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting: \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct DriftData: Encodable {
        var kind = "Droplet"
        var name: String
        var field = "size"
    }

    @Test(arguments: StoreEngine.allCases) func deliveredInOrderWithAVerifiableSignature(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let first = try await WebhookEvent.enqueue(WebhookEvent(.driftDetected, data: DriftData(name: "web-1")), store: store)
            let second = try await WebhookEvent.enqueue(WebhookEvent(.sagaFailed, data: DriftData(name: "web-2")), store: store)
            let receiver = Receiver()
            try await Self.serving(receiver) { port in
                try await Self.runningAlongside(try Self.dispatcher(store, port: port), logger: Logger(label: "test")) {
                    try await Self.waitUntil("both delivered") { try await store.webhookDeliveries(pendingOnly: true).isEmpty }
                }
            }
            let requests = receiver.all
            #expect(requests.map { $0.headers["x-arcadia-delivery"] } == [String(first), String(second)], "oldest first, each once")
            #expect(requests.map { $0.headers["x-arcadia-event"] } == ["drift_detected", "saga_failed"])
            for request in requests {
                #expect(request.headers["content-type"] == "application/json")
                // The receiver's own check: HMAC-SHA256 of the raw body with the shared secret.
                let mac = HMAC<SHA256>.authenticationCode(for: Data(request.body.utf8), using: SymmetricKey(data: Data(Self.secretText.utf8)))
                #expect(request.headers["x-arcadia-signature"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
            }
            let firstBody = try #require(requests.first).body
            let body = try #require(try JSONSerialization.jsonObject(with: Data(firstBody.utf8)) as? [String: Any])
            #expect(body["type"] as? String == "drift_detected")
            #expect((body["time"] as? String).flatMap(Store.date) != nil)
            #expect((body["data"] as? [String: Any])?["name"] as? String == "web-1")
            #expect(try await store.webhookDelivery(id: first)?.deliveredAt != nil)
        }
    }

    /// A receiver behind Basic auth, named in the URL as curl takes it: the credentials go out as an
    /// Authorization header (they were dropped), and the service's description, which ServiceLifecycle
    /// logs at debug level, names no part of the URL.
    @Test func credentialsInTheURLAreSentAsBasicAndNeverDescribed() async throws {
        try await withTemporaryStore { store, _ in
            _ = try await WebhookEvent.enqueue(WebhookEvent(.driftDetected, data: DriftData(name: "web-1")), store: store)
            let receiver = Receiver()
            try await Self.serving(receiver) { port in
                var logger = Logger(label: "test.webhooks")
                logger.logLevel = .critical
                let configuration = WebhookDispatcher.Configuration(
                    url: "http://hook%20user:Pass%3Aw0rd@127.0.0.1:\(port)/hook?token=QueryS3cret", secret: try WebhookSecret(Self.secretText),
                    baseDelay: .milliseconds(20), pollInterval: .milliseconds(20), requestTimeout: .seconds(2)
                )
                let dispatcher = WebhookDispatcher(store: store, configuration: configuration, logger: logger)
                #expect(!"\(dispatcher)".contains("Pass") && !"\(dispatcher)".contains("QueryS3cret"), "\(dispatcher)")
                try await Self.runningAlongside(dispatcher, logger: Logger(label: "test")) {
                    try await Self.waitUntil("delivered") { try await store.webhookDeliveries(pendingOnly: true).isEmpty }
                }
            }
            let request = try #require(receiver.all.first)
            #expect(request.headers["authorization"] == "Basic " + Data("hook user:Pass:w0rd".utf8).base64EncodedString(), "\(request.headers)")
        }
    }

    /// The receiver is down (its port refuses connections): the delivery is retried and stays in the
    /// state across a restart of the dispatcher, and goes out once the receiver is back.
    @Test(arguments: StoreEngine.allCases) func aReceiverThatIsDownGetsTheDeliveryOnceItIsUp(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let receiver = Receiver()
            let port = try await Self.serving(receiver) { $0 }
            let id = try await WebhookEvent.enqueue(WebhookEvent(.revertLoop, data: DriftData(name: "web-1")), store: store)
            try await Self.runningAlongside(try Self.dispatcher(store, port: port), logger: Logger(label: "test")) {
                try await Self.waitUntil("two failed attempts") { try await store.webhookDelivery(id: id).map { $0.attempts >= 2 } ?? false }
            }
            let waiting = try #require(try await store.webhookDelivery(id: id))
            #expect(waiting.isPending && waiting.lastError != nil, "still queued after the dispatcher stopped")
            // A new dispatcher, as after a restart, with the receiver back on the same port.
            try await Self.serving(receiver, port: port) { port in
                try await Self.runningAlongside(try Self.dispatcher(store, port: port), logger: Logger(label: "test")) {
                    try await Self.waitUntil("delivered") { try await store.webhookDelivery(id: id)?.deliveredAt != nil }
                }
            }
            #expect(receiver.all.map { $0.headers["x-arcadia-delivery"] } == [String(id)], "delivered exactly once")
        }
    }

    @Test(arguments: StoreEngine.allCases) func aDeliveryIsGivenUpAfterTheBound(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let receiver = Receiver(status: 500)
            let id = try await WebhookEvent.enqueue(WebhookEvent(.driftResolved, data: DriftData(name: "web-1")), store: store)
            try await Self.serving(receiver) { port in
                try await Self.runningAlongside(try Self.dispatcher(store, port: port, maximumAttempts: 3), logger: Logger(label: "test")) {
                    try await Self.waitUntil("given up") { try await store.webhookDelivery(id: id)?.givenUpAt != nil }
                    // Nothing more is sent once it is given up.
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            let delivery = try #require(try await store.webhookDelivery(id: id))
            #expect(delivery.attempts == 3 && delivery.deliveredAt == nil)
            #expect(delivery.lastError?.contains("HTTP 500") == true)
            #expect(receiver.all.count == 3)
        }
    }

    @Test func retriesBackOffExponentiallyUpToTheCap() throws {
        let configuration = WebhookDispatcher.Configuration(url: "http://127.0.0.1:1/hook", secret: try WebhookSecret("s"))
        #expect((1...10).map { configuration.retryDelay(afterFailures: $0) }
            == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300].map { Duration.seconds($0) })
    }

    @Test func theSecretFileLosesItsLineBreakAndNeverShows() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("secret").path
            try "\(Self.secretText)\n".write(toFile: path, atomically: true, encoding: .utf8)
            let secret = try WebhookSecret(contentsOfFile: path)
            #expect(secret.signature(for: Array("{}".utf8)) == (try WebhookSecret(Self.secretText)).signature(for: Array("{}".utf8)))
            #expect(!"\(secret)".contains(Self.secretText) && !String(reflecting: secret).contains(Self.secretText))
            try "\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: WebhookSecretError.self) { try WebhookSecret(contentsOfFile: path) }
        }
    }
}
