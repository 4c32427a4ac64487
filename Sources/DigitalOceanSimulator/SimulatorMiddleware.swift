import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Everything DigitalOcean does around a handler: rate limits, auth, injected faults, DigitalOcean-shaped
/// errors, `ratelimit-*` headers, request counting, recording and saving the world.
struct SimulatorMiddleware: RouterMiddleware {
    typealias Context = SimRequestContext

    let token: String
    let stats: SimulatorStats
    let rateLimiter: RateLimiter
    let faults: FaultInjector
    let recorder: TrafficRecorder?
    let world: World

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/_sim") {
            return try await respond(request, context: context, next: next)
        }
        var request = request
        let requestBody = try await request.collectBody(upTo: 1024 * 1024)
        let route = "\(request.method.rawValue) \(context.endpointPath ?? "unmatched")"
        stats.record(method: request.method.rawValue, route: context.endpointPath ?? "unmatched")

        let decision = rateLimiter.admit()
        var response: Response
        var connectionFault = RequestFault.none
        if let retryAfter = decision.retryAfter {
            stats.recordRateLimited()
            response = Self.tooManyRequests(retryAfter: retryAfter)
        } else if request.headers[.authorization] != "Bearer \(token)" {
            response = Self.errorResponse(.unauthorized)
        } else {
            let (fault, latency) = faults.draw(route: route)
            if latency > .zero {
                stats.recordFault("latency")
                try await Task.sleep(for: latency)
            }
            switch fault {
            case .error(let status) where status == 429:
                // As if another client on this token had spent the budget: wait a second.
                stats.recordFault("error")
                response = Self.tooManyRequests(retryAfter: 1)
            case .error(let status):
                stats.recordFault("error")
                response = Self.errorResponse(SimulatorError(status: status, id: status < 500 ? "bad_request" : "server_error", message: "Server was unable to give you a response."))
            case .drop:
                stats.recordFault("drop")
                try? await context.channel.close()
                return Self.errorResponse(SimulatorError(status: 500, id: "server_error", message: "connection closed"))
            case .loseResponse, .none:
                connectionFault = fault
                response = try await respond(request, context: context, next: next)
            }
        }
        response.headers[.rateLimitLimit] = String(decision.limit)
        response.headers[.rateLimitRemaining] = String(decision.remaining)
        response.headers[.rateLimitReset] = String(decision.reset)
        if request.method != .get, (200..<300).contains(response.status.code) {
            try await world.save()
        }
        if let recorder {
            response = await Self.recording(request, body: requestBody, response: response, into: recorder)
        }
        if connectionFault == .loseResponse {
            stats.recordFault("lose_response")
            try? await context.channel.close()
        }
        return response
    }

    private func respond(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SimulatorError {
            return Self.errorResponse(error)
        } catch let error as HTTPError where error.status == .notFound {
            return Self.errorResponse(.notFound())
        } catch let error as HTTPError {
            return Self.errorResponse(SimulatorError(status: Int(error.status.code), id: "bad_request", message: error.body ?? "Bad request."))
        }
    }

    /// Writes the exchange to the recording and returns an equivalent response (its body had to be read).
    private static func recording(_ request: Request, body: ByteBuffer, response: Response, into recorder: TrafficRecorder) async -> Response {
        let collected = CollectedBody()
        var response = response
        try? await response.body.write(CollectingWriter(collected: collected))
        let responseBody = collected.buffer
        recorder.record(TrafficRecorder.Exchange(
            method: request.method.rawValue,
            url: "http://\(request.head.authority ?? "127.0.0.1")\(request.uri)",
            requestHeaders: dictionary(request.headers),
            requestBody: body.readableBytes > 0 ? Data(body.readableBytesView) : nil,
            status: Int(response.status.code),
            responseHeaders: dictionary(response.headers),
            responseBody: responseBody.readableBytes > 0 ? Data(responseBody.readableBytesView) : nil
        ))
        response.body = .init(byteBuffer: responseBody)
        return response
    }

    private static func dictionary(_ fields: HTTPFields) -> [String: String] {
        var result: [String: String] = [:]
        for field in fields { result[field.name.canonicalName] = field.value }
        return result
    }

    /// DigitalOcean's answer past a rate limit.
    static func tooManyRequests(retryAfter seconds: Int) -> Response {
        var response = errorResponse(SimulatorError(status: 429, id: "too_many_requests", message: "API Rate limit exceeded."))
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    static func errorResponse(_ error: SimulatorError) -> Response {
        let body: [String: Any] = ["id": error.id, "message": error.message, "request_id": UUID().uuidString.lowercased()]
        return JSONResponse.make(status: error.status, body)
    }
}

/// Where ``CollectingWriter`` puts a response body: the writer is consumed, so it writes through a reference.
private final class CollectedBody {
    var buffer = ByteBuffer()
}

/// Reads a response body back into one buffer.
private struct CollectingWriter: ResponseBodyWriter {
    let collected: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collected.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

enum JSONResponse {
    static func make(status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// Snake_case keys, slashes unescaped, as DigitalOcean writes them.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }()

    /// Typed bodies, snake_case keys: the fast path for everything DigitalOcean-shaped.
    static func encode(status: Int, _ value: some Encodable) -> Response {
        // Plain structs of strings, numbers and arrays: encoding cannot fail.
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func noContent() -> Response {
        Response(status: .noContent, headers: [.contentType: "application/json; charset=utf-8"])
    }
}

extension HTTPField.Name {
    // Literal lower-case tokens: valid field names, so the initialiser cannot fail.
    static let rateLimitLimit = HTTPField.Name("ratelimit-limit")!
    static let rateLimitRemaining = HTTPField.Name("ratelimit-remaining")!
    static let rateLimitReset = HTTPField.Name("ratelimit-reset")!
}
