/// An error the simulator answers with, in DigitalOcean's body: `{"id", "message", "request_id"}`.
struct SimulatorError: Error {
    var status: Int
    var id: String
    var message: String

    static func notFound() -> SimulatorError {
        SimulatorError(status: 404, id: "not_found", message: "The resource you requested could not be found.")
    }

    static func unprocessable(_ message: String) -> SimulatorError {
        SimulatorError(status: 422, id: "unprocessable_entity", message: message)
    }

    /// The request clashes with the resource's state: a name taken, a volume still attached.
    static func conflict(_ message: String) -> SimulatorError {
        SimulatorError(status: 409, id: "conflict", message: message)
    }

    static func badRequest(_ message: String) -> SimulatorError {
        SimulatorError(status: 400, id: "bad_request", message: message)
    }

    static let unauthorized = SimulatorError(status: 401, id: "unauthorized", message: "Unable to authenticate you.")
}
