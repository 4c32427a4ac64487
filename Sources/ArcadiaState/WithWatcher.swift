/// Runs `body` beside `watch`, a loop that guards it (a lease heartbeat, a signal handler): when
/// `body` ends, `watch` is cancelled; when `watch` throws, `body` is cancelled and the error thrown.
/// A `watch` that simply returns leaves `body` running.
public func withWatcher<T: Sendable>(
    _ watch: @escaping @Sendable () async throws -> Void, running body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await watch()
            return nil
        }
        group.addTask { try await body() }
        defer { group.cancelAll() }
        while let result = try await group.next() {
            if let result { return result }
        }
        throw CancellationError()
    }
}
