import Foundation
import SQLKit
#if canImport(Glibc)
import Glibc
#endif

extension Store {
    /// How long the PostgreSQL apply lock lasts without a renewal; it is renewed every third of that.
    public static let applyLockSeconds = 30.0

    /// Runs `body` holding the state's apply lock, and says who holds it (`holder`, in words) in
    /// `arcadia_locks` for the message a second holder gets.
    ///
    /// SQLite: a file lock beside the database file, which dies with the process. PostgreSQL: a lease
    /// row renewed every ten seconds that runs out 30 s after its holder stops renewing it, whether
    /// the holder was killed, its host vanished or its connection hangs; a holder on this host that is
    /// provably dead is replaced at once. No session state is involved, so it works through PgBouncer
    /// in transaction mode too. If the lease is lost while `body` runs, `body` is cancelled.
    /// `tookOver` hears, in words, of a previous holder whose lease ran out or who is provably dead.
    /// `owner` is the holder's worker identity (`host:pid:nonce:process`), by which a dead holder is known.
    public func withApplyLock<T: Sendable>(
        holder: String, owner: String = WorkerIdentity.current.description, tookOver: @escaping @Sendable (String) -> Void = { _ in },
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        switch engine {
        case .sqlite:
            let path = String(location.dropFirst("sqlite:".count)) + ".lock"
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw StoreError("cannot open the apply lock \(path): \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { throw try await heldError() }
            defer { flock(descriptor, LOCK_UN) }
            try await run("""
                INSERT INTO arcadia_locks (name, holder, owner, since) VALUES ('apply', \(bind: holder), \(bind: owner), \(bind: Store.timestamp()))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, owner = excluded.owner, since = excluded.since, expires_at = NULL
                """)
            return try await body()
        case .postgres:
            if let previous = try await takeLeasedLock(holder: holder, owner: owner) { tookOver(previous) }
            do {
                let result = try await withWatcher({
                    while true {
                        try await Task.sleep(for: .seconds(Self.applyLockSeconds / 3))
                        guard try await self.renewLeasedLock(owner: owner) else {
                            throw StoreError("the apply lock on \(self.location) was taken over while this apply held it (its lease ran out); stopping")
                        }
                    }
                }, running: body)
                try await releaseNamedLease("apply", owner: owner)
                return result
            } catch {
                try? await releaseNamedLease("apply", owner: owner)
                throw error
            }
        }
    }

    /// Takes the apply lock's lease row (see ``takeNamedLease(_:holder:owner:seconds:)``); returns, in
    /// words, the holder it took the lock from, if any.
    private func takeLeasedLock(holder: String, owner: String) async throws -> String? {
        guard case .taken(let previous) = try await takeNamedLease("apply", holder: holder, owner: owner, seconds: Self.applyLockSeconds) else {
            throw try await heldError()
        }
        return previous.map { previous in
            let why = previous.expiredAt.map { "its lease ran out at \($0)" } ?? "it is provably dead (its process is gone from this host)"
            return "took the apply lock over from \(previous.holder): \(why)"
        }
    }

    /// Throws unless `owner` holds the leased apply lock now (by the database's clock); locks the row
    /// for the rest of the transaction, so it cannot be taken over before the transaction ends.
    func requireApplyLock(_ database: any SQLDatabase, owner: String) async throws {
        let now = try await leaseClock(database)
        let row = try await database.raw("SELECT owner, expires_at FROM arcadia_locks WHERE name = 'apply' FOR UPDATE").first()
        let holder = try row?.decode(column: "owner", as: String?.self)
        let expires = try row?.decode(column: "expires_at", as: String?.self)
        guard holder == owner, let expires, expires > Store.timestamp(now) else {
            throw StoreError(
                "this apply lost the state lock on \(location) (its lease ran out while it was stopped or waiting, and another apply "
                    + "may have taken it); nothing more was applied: plan and apply again"
            )
        }
    }

    private func renewLeasedLock(owner: String) async throws -> Bool {
        try await renewNamedLease("apply", owner: owner, seconds: Self.applyLockSeconds)
    }

    private func heldError() async throws -> StoreError {
        let row = try await rows("SELECT holder, since, expires_at FROM arcadia_locks WHERE name = 'apply'").first
        let holder = try row?.decode(column: "holder", as: String.self) ?? "another process"
        let since = try row?.decode(column: "since", as: String.self) ?? "an unknown time"
        let expiry = try row?.decode(column: "expires_at", as: String?.self)
        let lease = expiry.map { "; its lease runs until \($0) unless renewed, so a holder that died frees it by then" } ?? ""
        return StoreError.applyLockHeld(
            "another apply holds the state lock on \(location): \(holder), since \(since)\(lease); wait for it to finish (`arcadia sagas list` shows its progress)"
        )
    }
}
