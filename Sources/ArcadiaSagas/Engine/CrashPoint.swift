import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A test-only hook for the crash suite: `ARCADIA_CRASH_AT=<saga-kind>:<step>:<point>` makes the
/// process kill itself with SIGKILL at that point, as a power cut or the OOM killer would.
/// Points: `before` (the step is marked running, nothing done), `after-call` (the step's DigitalOcean
/// calls are done, the ledger does not know yet), `after-ledger` (the ledger says completed).
struct CrashPoint: Sendable, Equatable {
    enum Point: String, Sendable, CaseIterable {
        case before, afterCall = "after-call", afterLedger = "after-ledger"
    }

    var sagaKind: String
    var step: String
    var point: Point

    static let configured: CrashPoint? = ProcessInfo.processInfo.environment["ARCADIA_CRASH_AT"].flatMap(CrashPoint.init(parsing:))

    init?(parsing text: String) {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 3, let point = Point(rawValue: parts[2]) else { return nil }
        self.init(sagaKind: parts[0], step: parts[1], point: point)
    }

    init(sagaKind: String, step: String, point: Point) {
        self.sagaKind = sagaKind
        self.step = step
        self.point = point
    }

    /// Dies here if this is the configured point.
    static func check(sagaKind: String, step: String, _ point: Point) {
        guard let configured, configured == CrashPoint(sagaKind: sagaKind, step: step, point: point) else { return }
        kill(getpid(), SIGKILL)
    }
}
