import Foundation
import HTTPTypes
import Hummingbird

/// Auth, DigitalOcean-shaped errors, rate-limit headers, request counting and saving the world.
struct SimulatorMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String
    let stats: SimulatorStats
    let rateLimiter: RateLimiter
    let world: World

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/_sim") {
            return try await respond(request, context: context, next: next)
        }
        let status = rateLimiter.record()
        var response: Response
        if request.headers[.authorization] != "Bearer \(token)" {
            response = Self.errorResponse(.unauthorized)
        } else {
            response = try await respond(request, context: context, next: next)
        }
        stats.record(method: request.method.rawValue, route: context.endpointPath ?? "unmatched")
        response.headers[.rateLimitLimit] = String(status.limit)
        response.headers[.rateLimitRemaining] = String(status.remaining)
        response.headers[.rateLimitReset] = String(status.reset)
        if request.method != .get, (200..<300).contains(response.status.code) {
            try await world.save()
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

    static func errorResponse(_ error: SimulatorError) -> Response {
        let body: [String: Any] = ["id": error.id, "message": error.message, "request_id": UUID().uuidString.lowercased()]
        return JSONResponse.make(status: error.status, body)
    }
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

    /// Typed bodies, snake_case keys: the fast path for everything DigitalOcean-shaped.
    static func encode(status: Int, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .withoutEscapingSlashes
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
