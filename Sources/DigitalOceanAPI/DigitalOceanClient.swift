import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A typed client for the DigitalOcean v2 API (or anything that speaks it, such as `arcadia sim`).
///
/// Lists are read 200 items a page, the pages after the first a few at a time. Every request waits for
/// its slot in the ``RequestPacer`` (shared by everything using this client), has a time-out, and is
/// retried as ``RetryPolicy`` says. The token is sent as a bearer header and appears nowhere else: not in logs,
/// not in errors.
public struct DigitalOceanClient: Sendable {
    public static let defaultAPIURL = "https://api.digitalocean.com"

    public let apiURL: String
    let token: APIToken
    let httpClient: HTTPClient
    let requestTimeout: TimeAmount
    let logger: Logger
    let rateLimit = RateLimitTracker()
    /// Whether the API has ever answered this client: until it has, a failure to connect is final.
    let contact = ContactState()
    /// Hears each retry, in words (`retrying GET /v2/droplets in 4 s after 503 (attempt 3 of 5)`).
    let onRetry: @Sendable (String) -> Void
    /// Hears the outcome of every attempt: the HTTP status (`200`, `429`, …), or `error` when no answer came.
    let onResponse: @Sendable (String) -> Void
    public let pacer: RequestPacer
    public let retryPolicy: RetryPolicy

    /// - Parameters:
    ///   - apiURL: scheme, host and port, e.g. `https://api.digitalocean.com` or `http://127.0.0.1:8089`.
    ///   - requestTimeout: per attempt, including reading the body.
    ///   - pacer: share one between clients that use the same token.
    public init(
        apiURL: String = DigitalOceanClient.defaultAPIURL,
        token: APIToken,
        httpClient: HTTPClient = .shared,
        requestTimeout: TimeAmount = .seconds(30),
        pacer: RequestPacer = RequestPacer(),
        retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "arcadia.digitalocean"),
        onRetry: @escaping @Sendable (String) -> Void = { _ in },
        onResponse: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.onResponse = onResponse
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.token = token
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
        self.pacer = pacer
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.onRetry = onRetry
    }

    /// Reads `DIGITALOCEAN_TOKEN` and `DIGITALOCEAN_API_URL` from `environment`, which the CLI hands over.
    public static func fromEnvironment(
        _ environment: [String: String],
        logger: Logger = Logger(label: "arcadia.digitalocean"),
        onRetry: @escaping @Sendable (String) -> Void = { _ in },
        onResponse: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> DigitalOceanClient {
        guard let token = environment["DIGITALOCEAN_TOKEN"], !token.isEmpty else {
            throw DigitalOceanError(
                code: .configuration,
                message: "no API token: set DIGITALOCEAN_TOKEN, or use --sim to run against the local simulator",
                request: ""
            )
        }
        let apiURL = environment["DIGITALOCEAN_API_URL"] ?? defaultAPIURL
        guard let url = URL(string: apiURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
            throw DigitalOceanError(
                code: .configuration,
                message: "DIGITALOCEAN_API_URL=\(apiURL) is not an http(s) URL; give one such as https://api.digitalocean.com, or unset it",
                request: ""
            )
        }
        return DigitalOceanClient(
            apiURL: apiURL,
            token: APIToken(token),
            logger: logger,
            onRetry: onRetry,
            onResponse: onResponse
        )
    }

    /// The budget DigitalOcean reported on the latest answer, if any.
    public var lastRateLimit: RateLimitStatus? { rateLimit.current }

    // MARK: Transport

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// Sends a request, paced and retried, and returns the body of a 2xx answer; maps everything else
    /// to ``DigitalOceanError``. A `POST` that failed other than with a 429 is never repeated here: it
    /// throws ``DigitalOceanError/Code/outcomeUnknown`` unless DigitalOcean's answer shows it changed nothing.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil) async throws -> Data {
        let repeatable = method != .POST
        var attempt = 0
        while true {
            attempt += 1
            try await pacer.acquire()
            // Until the API has answered once, a connection gets a few seconds, not the full time-out:
            // a wrong URL must fail fast, and the connection pool retries a refused connect until then.
            // A first answer that is merely slow is retried with the full time-out.
            let timeout = contact.hasAnswered || attempt > 1 ? requestTimeout : min(requestTimeout, Self.firstContactTimeout)
            do {
                return try await sendOnce(method, path, query: query, body: body, timeout: try RequestFence.timeout(for: "\(method.rawValue) \(path)", within: timeout))
            } catch let error as DigitalOceanError where error.code == .fenced || error.code == .unreachable {
                throw error
            } catch let error as DigitalOceanError {
                let retriable = error.status == 429 || (repeatable && error.isTransient)
                if let retryAfter = error.retryAfter, error.status == 429 {
                    await pacer.pause(until: Date().addingTimeInterval(retryAfter))
                }
                guard retriable, attempt < retryPolicy.maxAttempts, !Task.isCancelled else {
                    // A POST that met a 5xx or no answer may have been carried out; a 4xx was refused outright.
                    throw !repeatable && error.isTransient && error.status != 429 ? error.unknownOutcome() : error
                }
                let delay = retryPolicy.delay(afterAttempt: attempt, retryAfter: error.retryAfter)
                let cause = error.status.map { "after \($0)" } ?? "after no answer"
                onRetry("retrying \(error.request) in \(Self.seconds(delay)) \(cause) (attempt \(attempt) of \(retryPolicy.maxAttempts))")
                logger.debug("retrying", metadata: [
                    "arcadia.http.request": "\(error.request)", "arcadia.http.attempt": "\(attempt)",
                    "arcadia.http.delay_s": "\(String(format: "%.2f", delay))", "arcadia.http.error": "\(error.status.map(String.init) ?? error.code.description)",
                ])
                try await Task.sleep(for: .seconds(delay))
            }
        }
    }

    /// One attempt, with the time-out; cancellation is passed through as `CancellationError`.
    private func sendOnce(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?, timeout: TimeAmount) async throws -> Data {
        let label = "\(method.rawValue) \(path)"
        var request = HTTPClientRequest(url: apiURL + path + Self.encode(query))
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token.secret)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "arcadia")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        logger.debug("request", metadata: ["arcadia.http.request": "\(label)"])
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: timeout)
            bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            onResponse("error")
            if !contact.hasAnswered, let failure = ConnectFailure.describe(error) {
                throw DigitalOceanError(
                    code: .unreachable,
                    message: "cannot reach the DigitalOcean API at \(apiURL): \(failure). Check DIGITALOCEAN_API_URL "
                        + "(unset means \(Self.defaultAPIURL); with a local `arcadia sim`, that it is running there), DNS and the network",
                    request: label
                )
            }
            throw DigitalOceanError(code: .transport, message: "no answer: \(Self.describe(error))", request: label)
        }
        contact.markAnswered()
        onResponse(String(response.status.code))
        if let status = rateLimit.record(response.headers) {
            await pacer.observe(status)
        }
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Self.apiError(status: Int(response.status.code), headers: response.headers, body: data, request: label)
        }
        return data
    }

    /// How long the first request may take to connect and answer.
    static let firstContactTimeout: TimeAmount = .seconds(5)

    static func seconds(_ delay: Double) -> String {
        delay < 10 ? String(format: "%.1f s", delay) : String(format: "%.0f s", delay)
    }

    /// Transport failures in words, without anything of the request (the URL may carry a query).
    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            "timed out"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            "the connection was closed before an answer"
        default:
            String(describing: type(of: error)) + ": \(error)"
        }
    }

    static func apiError(status: Int, headers: HTTPHeaders, body: Data, request: String) -> DigitalOceanError {
        // `{"id", "message", "request_id"}`, or for a few operations (a bad tag name) `{"error", "root_causes"}`.
        struct ErrorBody: Decodable {
            var id: String?
            var message: String?
            var error: String?
            var requestId: String?
        }
        let parsed = try? decoder.decode(ErrorBody.self, from: body)
        return DigitalOceanError(
            code: .api,
            status: status,
            id: parsed?.id,
            message: parsed?.message ?? parsed?.error ?? "HTTP \(status) with no error body",
            requestID: parsed?.requestId,
            request: request,
            retryAfter: headers.first(name: "retry-after").flatMap(Double.init)
        )
    }

    func decode<T: Decodable>(_ type: T.Type, from data: Data, request: String) throws -> T {
        do {
            return try Self.decoder.decode(type, from: data)
        } catch {
            throw DigitalOceanError(code: .decoding, message: "unexpected answer: \(error)", request: request)
        }
    }

    private static func encode(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        return "?" + (components.percentEncodedQuery ?? "")
    }
}
