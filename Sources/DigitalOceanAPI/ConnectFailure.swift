import NIOConcurrencyHelpers
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Whether an API has answered a client yet.
final class ContactState: Sendable {
    private let box = NIOLockedValueBox(false)

    var hasAnswered: Bool { box.withLockedValue { $0 } }

    func markAnswered() {
        box.withLockedValue { $0 = true }
    }
}

/// Failures to open a connection at all, told apart from a connection that was lost or an answer
/// that was slow: a refused port, an unknown host, a TLS handshake that failed, no route.
enum ConnectFailure {
    /// The failure in words, or nil if the error is not a failure to connect.
    static func describe(_ error: any Error) -> String? {
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case EHOSTUNREACH, ENETUNREACH: return "no route to the host"
            default: return nil
            }
        }
        let type = String(describing: Swift.type(of: error))
        if type == "NIOConnectionError" || type.contains("SocketAddressError") {
            let text = String(describing: error)
            return text.contains("DNS") || text.contains("UnknownHost") ? "unknown host (\(text))" : "cannot connect (\(text))"
        }
        if type.contains("SSL") || type.contains("TLS") {
            return "TLS failed (\(error))"
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "the connection timed out"
        }
        return nil
    }
}
