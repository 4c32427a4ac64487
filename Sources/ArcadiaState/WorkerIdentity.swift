import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a lease or a lock: `host:pid:nonce:process`, where `process` names the boot, the pid
/// namespace and the process's start time (`<boot id>.<pid namespace>.<start ticks>`).
///
/// A holder can be recognised as dead at once, instead of when its lease runs out, only when its pid
/// provably means the same thing here: the same host name, the same boot and the same pid namespace.
/// Two containers sharing a host name (host networking) have different pid namespaces, so neither
/// judges the other by its pid. A pid that was reused by another process has another start time.
public struct WorkerIdentity: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let pid: Int32
    public let nonce: String
    /// `<boot id>.<pid namespace>.<start ticks>`, or empty where /proc does not say.
    public let process: String

    /// This process, under the machine's host name.
    public static let current = WorkerIdentity(
        host: ProcessInfo.processInfo.hostName, pid: getpid(), nonce: String(UUID().uuidString.prefix(8)).lowercased(),
        process: processKey(pid: getpid()) ?? ""
    )

    /// This process under another host name (the CLI's `ARCADIA_WORKER_HOST`, to tell containers apart).
    public static func current(host: String) -> WorkerIdentity {
        WorkerIdentity(host: host, pid: current.pid, nonce: current.nonce, process: current.process)
    }

    public init(host: String, pid: Int32, nonce: String, process: String) {
        self.host = host
        self.pid = pid
        self.nonce = nonce
        self.process = process
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, let pid = Int32(parts[1]) else { return nil }
        self.init(host: String(parts[0]), pid: pid, nonce: String(parts[2]), process: String(parts[3]))
    }

    public var description: String { "\(host):\(pid):\(nonce):\(process)" }

    /// True only when the holder is provably dead: same host, boot and pid namespace as this process,
    /// and its pid is gone or now belongs to a process that started at another time. A holder written
    /// in an older format, or from another namespace, is never judged dead: its lease must run out.
    ///
    /// - Parameter observer: who asks (its `host:pid:nonce:process`); this process by default.
    public static func isDead(_ holder: String, seenBy observer: String? = nil) -> Bool {
        let me = observer.flatMap(WorkerIdentity.init(parsing:)) ?? current
        guard let identity = WorkerIdentity(parsing: holder), identity.host == me.host, !me.process.isEmpty else { return false }
        let (theirs, ours) = (identity.process.split(separator: "."), me.process.split(separator: "."))
        guard theirs.count == 3, ours.count == 3, theirs[0] == ours[0], theirs[1] == ours[1] else { return false }
        if identity.pid == me.pid { return identity.nonce != me.nonce }
        guard kill(identity.pid, 0) == 0 || errno != ESRCH else { return true }
        // A zombie (killed, not yet reaped: a container whose pid 1 does not reap) is dead too.
        if isZombie(pid: identity.pid) { return true }
        guard let running = processKey(pid: identity.pid) else { return false }
        return running.split(separator: ".").last != theirs[2]
    }

    /// Whether the process has exited and waits only to be reaped (state `Z`, or `X` while it goes).
    static func isZombie(pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state == "Z" || state == "X"
    }

    /// `<boot id>.<pid namespace inode>.<start ticks>` for a pid, read from /proc; nil where it cannot be read.
    static func processKey(pid: Int32) -> String? {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "-", with: ""),
              let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
                .filter(\.isNumber),
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // Field 22 (starttime); fields after the command's closing parenthesis start at field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, !boot.isEmpty, !namespace.isEmpty else { return nil }
        return "\(boot.prefix(12)).\(namespace).\(fields[19])"
    }
}
