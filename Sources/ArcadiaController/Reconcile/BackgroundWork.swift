import Logging
import NIOConcurrencyHelpers

/// Work the API starts and does not wait for (a revert's saga): tracked, so a graceful shutdown can
/// wait for it to stop at a step boundary.
public final class BackgroundWork: Sendable {
    private let tasks = NIOLockedValueBox<[Int: Task<Void, Never>]>([:])
    private let counter = NIOLockedValueBox(0)
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    func start(_ what: String, _ body: @escaping @Sendable () async throws -> Void) {
        let id = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        let logger = self.logger
        // Registered under the lock it removes itself under, so it never ends before it is registered.
        tasks.withLockedValue { tasks in
            tasks[id] = Task {
                do {
                    try await body()
                } catch {
                    logger.error("\(what) stopped", metadata: ["arcadia.error": "\(error)"])
                }
                _ = self.tasks.withLockedValue { $0.removeValue(forKey: id) }
            }
        }
    }

    /// Waits for every task started so far.
    public func wait() async {
        for task in tasks.withLockedValue({ Array($0.values) }) { await task.value }
    }

    public func cancelAll() {
        for task in tasks.withLockedValue({ Array($0.values) }) { task.cancel() }
    }
}
