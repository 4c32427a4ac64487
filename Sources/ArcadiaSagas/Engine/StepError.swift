import DigitalOceanAPI

/// Why a step failed, and whether trying again can help.
public struct StepError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var isTransient: Bool
    /// Seconds the API asked us to wait before retrying.
    public var retryAfter: Double?
    /// The step is sure it changed nothing (it refused before acting): a point-of-no-return step that
    /// fails this way leaves its saga free to roll back.
    public var changedNothing = false

    public static func permanent(_ message: String) -> StepError {
        StepError(message: message, isTransient: false)
    }

    /// A permanent failure before the step changed anything.
    public static func refused(_ message: String) -> StepError {
        StepError(message: message, isTransient: false, changedNothing: true)
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
