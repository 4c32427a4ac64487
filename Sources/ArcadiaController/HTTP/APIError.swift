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

    static let unauthorized = APIError(.unauthorized, "unauthorized")
    static let notFound = APIError(.notFound, "not_found")

    static func badRequest(_ detail: String) -> APIError { APIError(.badRequest, "bad_request", ["detail": detail]) }

    /// The role a refused action needs: only `platform_admin` may accept; `operator` may revert, ignore, reconcile.
    static func forbidden(_ action: APIAction) -> APIError {
        APIError(.forbidden, action == .accept ? "platform_admin_required" : "operator_required")
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
