import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a lease or a lock: `host:pid:nonce`. On the same host, a holder whose process is gone
/// can be recognised at once instead of waiting for its lease to run out.
public struct WorkerIdentity: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let pid: Int32
    public let nonce: String

    /// This process. `ARCADIA_WORKER_HOST` replaces the host name, e.g. to tell containers on one host apart.
    public static let current = WorkerIdentity(
        host: ProcessInfo.processInfo.environment["ARCADIA_WORKER_HOST"] ?? ProcessInfo.processInfo.hostName,
        pid: getpid(), nonce: String(UUID().uuidString.prefix(8)).lowercased()
    )

    public init(host: String, pid: Int32, nonce: String) {
        self.host = host
        self.pid = pid
        self.nonce = nonce
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 3, let pid = Int32(parts[1]) else { return nil }
        self.init(host: String(parts[0]), pid: pid, nonce: String(parts[2]))
    }

    public var description: String { "\(host):\(pid):\(nonce)" }

    /// True only when the holder is known to be dead: same host, and no such process.
    public static func isDead(_ holder: String) -> Bool {
        guard let identity = WorkerIdentity(parsing: holder), identity.host == current.host else { return false }
        if identity.pid == current.pid { return identity.nonce != current.nonce }
        return kill(identity.pid, 0) != 0 && errno == ESRCH
    }
}
