import DigitalOceanAPI

/// Why a step failed, and whether trying again can help.
public struct StepError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var isTransient: Bool
    /// Seconds the API asked us to wait before retrying.
    public var retryAfter: Double?

    public static func permanent(_ message: String) -> StepError {
        StepError(message: message, isTransient: false)
    }

    public static func transient(_ message: String, retryAfter: Double? = nil) -> StepError {
        StepError(message: message, isTransient: true, retryAfter: retryAfter)
    }

    /// Classifies any error a step throws: DigitalOcean's 429/5xx/transport errors are transient.
    static func classify(_ error: any Error) -> StepError {
        switch error {
        case let error as StepError:
            return error
        case let error as DigitalOceanError:
            return StepError(message: error.description, isTransient: error.isTransient, retryAfter: error.retryAfter)
        default:
            return .permanent(String(describing: error))
        }
    }

    public var description: String { message }
}
