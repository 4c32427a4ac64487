import Foundation
import SQLKit
#if canImport(Glibc)
import Glibc
#endif

extension Store {
    static let applyLockKey: Int64 = 0x4152_4341_4449_4102

    /// Runs `body` holding the state's apply lock: a file lock beside the SQLite file, or a PostgreSQL
    /// advisory lock. Both die with the process, so a killed apply never leaves the state locked.
    /// A second holder gets an error naming the first and since when.
    public func withApplyLock<T: Sendable>(holder: String, _ body: @Sendable () async throws -> T) async throws -> T {
        let release = try await acquireApplyLock(holder: holder)
        do {
            let result = try await body()
            try await release()
            return result
        } catch {
            try? await release()
            throw error
        }
    }

    private func acquireApplyLock(holder: String) async throws -> @Sendable () async throws -> Void {
        switch engine {
        case "sqlite":
            let path = String(location.dropFirst("sqlite:".count)) + ".lock"
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw StoreError("cannot open the apply lock \(path): \(String(cString: strerror(errno)))") }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                throw try await heldError()
            }
            try await recordHolder(holder)
            return { flock(descriptor, LOCK_UN); close(descriptor) }
        default:
            let acquired = try await rows("SELECT pg_try_advisory_lock(\(unsafeRaw: String(Self.applyLockKey))) AS ok").first?
                .decode(column: "ok", as: Bool.self)
            guard acquired == true else { throw try await heldError() }
            try await recordHolder(holder)
            return { [self] in try await run("SELECT pg_advisory_unlock(\(unsafeRaw: String(Self.applyLockKey)))") }
        }
    }

    private func recordHolder(_ holder: String) async throws {
        try await run("""
            INSERT INTO arcadia_locks (name, holder, since) VALUES ('apply', \(bind: holder), \(bind: Store.timestamp()))
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, since = excluded.since
            """)
    }

    private func heldError() async throws -> StoreError {
        let row = try await rows("SELECT holder, since FROM arcadia_locks WHERE name = 'apply'").first
        let holder = try row?.decode(column: "holder", as: String.self) ?? "another process"
        let since = try row?.decode(column: "since", as: String.self) ?? "an unknown time"
        return StoreError(
            "another apply holds the state lock on \(location): \(holder), since \(since); wait for it to finish (`arcadia sagas list` shows its progress)"
        )
    }
}
