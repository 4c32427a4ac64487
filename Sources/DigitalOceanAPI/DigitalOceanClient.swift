import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A typed client for the DigitalOcean v2 API (or anything that speaks it, such as `arcadia sim`).
///
/// Lists are read with `per_page=200`, following `links.pages.next`. The token is sent as a bearer
/// header and appears nowhere else: not in logs, not in errors.
public struct DigitalOceanClient: Sendable {
    public static let defaultAPIURL = "https://api.digitalocean.com"

    public let apiURL: String
    let token: APIToken
    let httpClient: HTTPClient
    let requestTimeout: TimeAmount
    let logger: Logger
    let rateLimit = RateLimitTracker()

    /// - Parameters:
    ///   - apiURL: scheme, host and port, e.g. `https://api.digitalocean.com` or `http://127.0.0.1:8089`.
    ///   - requestTimeout: per request, including reading the body.
    public init(
        apiURL: String = DigitalOceanClient.defaultAPIURL,
        token: APIToken,
        httpClient: HTTPClient = .shared,
        requestTimeout: TimeAmount = .seconds(30),
        logger: Logger = Logger(label: "arcadia.digitalocean")
    ) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.token = token
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
        self.logger = logger
    }

    /// Reads `DIGITALOCEAN_TOKEN` and `DIGITALOCEAN_API_URL` from the environment.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "arcadia.digitalocean")
    ) throws -> DigitalOceanClient {
        guard let token = environment["DIGITALOCEAN_TOKEN"], !token.isEmpty else {
            throw DigitalOceanError(
                code: .configuration,
                message: "no API token: set DIGITALOCEAN_TOKEN, or use --sim to run against the local simulator",
                request: ""
            )
        }
        return DigitalOceanClient(
            apiURL: environment["DIGITALOCEAN_API_URL"] ?? defaultAPIURL,
            token: APIToken(token),
            logger: logger
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

    /// Sends one request and returns the body of a 2xx answer; maps everything else to ``DigitalOceanError``.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil) async throws -> Data {
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
            response = try await httpClient.execute(request, timeout: requestTimeout)
            bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        } catch {
            throw DigitalOceanError(code: .transport, message: "no answer: \(error)", request: label)
        }
        rateLimit.record(response.headers)
        let data = Data(bytes.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw Self.apiError(status: Int(response.status.code), headers: response.headers, body: data, request: label)
        }
        return data
    }

    static func apiError(status: Int, headers: HTTPHeaders, body: Data, request: String) -> DigitalOceanError {
        struct ErrorBody: Decodable {
            var id: String
            var message: String
            var requestId: String?
        }
        let parsed = try? decoder.decode(ErrorBody.self, from: body)
        return DigitalOceanError(
            code: .api,
            status: status,
            id: parsed?.id,
            message: parsed?.message ?? "HTTP \(status) with no error body",
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

    /// Reads every page of a list, `per_page=200`, until `links.pages.next` is absent.
    func list<Item: Decodable>(_ path: String, key: String, query: [(String, String)] = [], as: Item.Type) async throws -> [Item] {
        var items: [Item] = []
        var page = 1
        while true {
            let data = try await send(.GET, path, query: query + [("page", String(page)), ("per_page", "200")])
            let label = "GET \(path)"
            let object = try decode(ListPage<Item>.self, from: data, request: label, key: key)
            items += object.items
            guard let next = object.nextPage, next > page else { return items }
            page = next
        }
    }

    private func decode<Item: Decodable>(_: ListPage<Item>.Type, from data: Data, request: String, key: String) throws -> ListPage<Item> {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.userInfo[ListPage<Item>.keyInfo] = key
        do {
            return try decoder.decode(ListPage<Item>.self, from: data)
        } catch {
            throw DigitalOceanError(code: .decoding, message: "unexpected list answer: \(error)", request: request)
        }
    }
}
