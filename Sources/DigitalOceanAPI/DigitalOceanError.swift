/// A failed DigitalOcean request: the API's error body (`id`, `message`, `request_id`) when it
/// answered, or a transport failure when it did not.
public struct DigitalOceanError: Error, Sendable, CustomStringConvertible {
    /// Opaque codes; new ones may be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// DigitalOcean answered with a non-2xx status.
        public static let api = Code(raw: "api")
        /// No answer: connection refused or dropped, time-out.
        public static let transport = Code(raw: "transport")
        /// The client is not set up to talk to DigitalOcean (no token).
        public static let configuration = Code(raw: "configuration")
        /// The answer could not be read as the expected JSON.
        public static let decoding = Code(raw: "decoding")
        /// A `POST` failed in a way that leaves open whether DigitalOcean carried it out (a lost answer,
        /// a 5xx): the caller must look before it tries again, e.g. for a droplet carrying its saga tag.
        public static let outcomeUnknown = Code(raw: "outcome_unknown")
        /// Not sent: the task's ``RequestFence`` (a saga worker's lease) runs out before the request could finish.
        public static let fenced = Code(raw: "fenced")
        /// The API could not be reached at all before it ever answered (refused, unknown host, TLS, no
        /// route): a wrong URL or network, not a passing fault, so it is not retried.
        public static let unreachable = Code(raw: "unreachable")
        public var description: String { raw }
    }

    public var code: Code
    /// HTTP status, when the API answered.
    public var status: Int?
    /// DigitalOcean's error id, e.g. `unprocessable_entity`, `not_found`, `too_many_requests`.
    public var id: String?
    public var message: String
    public var requestID: String?
    /// `METHOD /path` of the request that failed (no query, no token).
    public var request: String
    /// Seconds to wait before retrying, from `retry-after`.
    public var retryAfter: Double?

    public init(
        code: Code, status: Int? = nil, id: String? = nil, message: String,
        requestID: String? = nil, request: String, retryAfter: Double? = nil
    ) {
        self.code = code
        self.status = status
        self.id = id
        self.message = message
        self.requestID = requestID
        self.request = request
        self.retryAfter = retryAfter
    }

    /// Worth retrying later: rate limited, a server error, or no answer at all.
    public var isTransient: Bool {
        switch code {
        case .transport, .outcomeUnknown: true
        case .api: status == 429 || (status ?? 0) >= 500
        default: false
        }
    }

    public var isNotFound: Bool { status == 404 }

    /// This failure, for a request that may have taken effect.
    func unknownOutcome() -> DigitalOceanError {
        var error = self
        error.code = .outcomeUnknown
        error.message = "the outcome is unknown (\(message)); DigitalOcean may have carried it out"
        return error
    }

    public var description: String {
        guard code != .configuration, code != .unreachable else { return message }
        var text = "DigitalOcean \(request)"
        if let status { text += " answered \(status)" }
        if let id { text += " \(id)" }
        text += ": \(message)"
        if let requestID { text += " (request \(requestID))" }
        return text
    }
}
