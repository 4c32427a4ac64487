import Hummingbird

/// An answer other than success, in the shape the seeds use: `{"error": code, ...}`.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var fields: [String: String]

    public init(_ status: HTTPResponse.Status, _ code: String, _ fields: [String: String] = [:]) {
        self.status = status
        self.code = code
        self.fields = fields
    }

    /// The same for every token that does not pass, so an answer never tells a guessed one from a revoked one.
    static let unauthorized = APIError(.unauthorized, "unauthorized", [
        "detail": "send a valid API token as 'Authorization: Bearer <token>'; an admin makes one with 'arcadia tokens create'",
    ])

    /// 404, saying what was not there and where to find what is.
    static func notFound(_ detail: String) -> APIError { APIError(.notFound, "not_found", ["detail": detail]) }

    /// 409: the drift record was accepted, reverted, ignored or went stale in the meantime.
    static func alreadyResolved(_ status: String) -> APIError {
        APIError(.conflict, "already_resolved", [
            "current_status": status, "detail": "the drift record is \(status) already; GET /api/v1/drift lists the open ones",
        ])
    }

    static func badRequest(_ detail: String) -> APIError { APIError(.badRequest, "bad_request", ["detail": detail]) }

    /// The role a refused action needs: only `platform_admin` may accept; `operator` may revert, ignore, reconcile.
    static func forbidden(_ action: APIAction, role: String) -> APIError {
        let needed = action == .accept ? "platform_admin" : "operator or platform_admin"
        return APIError(.forbidden, action == .accept ? "platform_admin_required" : "operator_required", [
            "detail": "\(action.rawValue) needs a token of role \(needed); this token's role is \(role)",
        ])
    }

    func response() -> Response {
        var body = fields
        body["error"] = code
        var response = APIResponse.json(body, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if status == .serviceUnavailable { response.headers[.retryAfter] = "5" }
        return response
    }
}
