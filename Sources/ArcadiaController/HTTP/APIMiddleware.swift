import ArcadiaState
import DigitalOceanAPI
import Hummingbird
import Logging

/// Turns every failure into JSON: an ``APIError`` as itself, the state database failing as 503, DigitalOcean
/// failing as 502, Hummingbird's own (a route that does not exist, a malformed request) as 404 or 400, and
/// anything else as a logged 500 that says nothing of the cause.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let logger: Logger

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as StoreError {
            // The state database failed (the message names where it is, never its credentials).
            logger.error("request failed: the state database", metadata: ["arcadia.path": "\(request.uri.path)", "arcadia.error": "\(error)"])
            return APIError(.serviceUnavailable, "state_unavailable", ["detail": error.description]).response()
        } catch let error as DigitalOceanError {
            return APIError(.badGateway, "digitalocean_unavailable", ["detail": error.description]).response()
        } catch let error as HTTPError {
            // Hummingbird's router answers a wrong method on a known path as not found, too.
            if error.status == .notFound {
                return APIError.notFound("no route \(request.method) \(request.uri.path); the README's API table lists them").response()
            }
            return APIError.badRequest(error.body ?? "the request is malformed").response()
        } catch {
            logger.error("request failed", metadata: ["arcadia.path": "\(request.uri.path)", "arcadia.error": "\(error)"])
            return APIError(.internalServerError, "internal").response()
        }
    }
}

/// Requires a bearer token the state knows, not revoked and not run out. Every failure is the same
/// 401, so an answer never tells a guessed token from a revoked one.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let authenticate: @Sendable (String?) async throws -> Caller?

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let caller: Caller?
        do {
            caller = try await authenticate(request.headers[.authorization])
        } catch {
            // The token cannot be checked: not the caller's fault, so not a 401.
            throw APIError(.serviceUnavailable, "state_unavailable", ["detail": "the state database did not answer; try again"])
        }
        guard let caller else { throw APIError.unauthorized }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }
}

extension APIContext {
    /// The caller, if their role may do `action`; otherwise a 403 naming the role needed.
    func require(_ action: APIAction) throws -> Caller {
        guard let caller else { throw APIError.unauthorized }
        guard caller.permits(action) else { throw APIError.forbidden(action, role: caller.role) }
        return caller
    }
}
