import ArcadiaState
import ArcadiaSagas
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The leader's loop: a pass when it starts leading, then every interval (jittered by up to a tenth
/// either way, so replicas restarted together do not keep in step), and at once when asked
/// (`POST /api/v1/reconcile`). On a graceful shutdown it starts no new pass and drains the running
/// one: its sagas stop at their next step boundary, for the next leader to finish.
public final class ReconcileService: Service {
    let pass: ReconcilePass
    let status: ControllerStatus
    let drain: Drain
    /// The API's background sagas: a shutdown waits for them to stop too.
    let work: BackgroundWork
    private let wake: AsyncStream<String>
    private let wakeContinuation: AsyncStream<String>.Continuation
    private let leads = NIOLockedValueBox(false)

    /// How soon a pass that found the apply lock held is tried again.
    static let busyRetry: Duration = .seconds(10)

    init(pass: ReconcilePass, status: ControllerStatus, drain: Drain, work: BackgroundWork) {
        self.pass = pass
        self.status = status
        self.drain = drain
        self.work = work
        (wake, wakeContinuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a pass now (`api` by a request, `leader` on taking the lease over).
    public func trigger(_ reason: String) {
        wakeContinuation.yield(reason)
    }

    func leadershipChanged(_ isLeader: Bool) {
        leads.withLockedValue { $0 = isLeader }
        if isLeader { trigger("leader") } else { wakeContinuation.yield("") }
    }

    public func run() async throws {
        var wakes = wake.makeAsyncIterator()
        try await withGracefulShutdownHandler {
            await pass.loadSpecs()
            var due = ContinuousClock.now + pass.settings.interval
            while !drain.isDraining {
                guard let reason = await next(&wakes, due: due), !drain.isDraining, !Task.isCancelled else { break }
                if reason == "interval" {
                    // A timer that fired as a trigger came may have left its wake behind: not due yet.
                    guard ContinuousClock.now >= due else { continue }
                    due = ContinuousClock.now + jittered(pass.settings.interval)
                }
                // An empty wake only makes the loop look again (leadership lost, a shutdown).
                guard !reason.isEmpty else { continue }
                guard leads.withLockedValue({ $0 }) else {
                    // A follower keeps its view of the specs current, for its status and readiness.
                    await pass.loadSpecs()
                    await status.scheduled(nil)
                    continue
                }
                let report = await pass.run(trigger: reason)
                // Busy (an apply lock held, perhaps by a leader that died on another host until its lease
                // runs out): tried again soon, not a whole interval later with sagas half done.
                due = ContinuousClock.now + (report.result == .busy ? min(pass.settings.interval, Self.busyRetry) : jittered(pass.settings.interval))
                await status.scheduled(Date().addingTimeInterval((due - ContinuousClock.now).timeInterval))
            }
            // Past the grace period the group cancels this task: the API's sagas are cancelled with it.
            await withTaskCancellationHandler {
                await work.wait()
            } onCancel: {
                work.cancelAll()
            }
        } onGracefulShutdown: {
            self.drain.start()
            self.wakeContinuation.yield("")
        }
    }

    /// The reason of the next wake: a trigger, `interval` when `due` comes first, nil when it ends.
    private func next(_ wakes: inout AsyncStream<String>.Iterator, due: ContinuousClock.Instant) async -> String? {
        let timer = Task {
            try? await Task.sleep(until: due, clock: .continuous)
            if !Task.isCancelled { self.wakeContinuation.yield("interval") }
        }
        defer { timer.cancel() }
        return await wakes.next()
    }

    private func jittered(_ interval: Duration) -> Duration {
        interval * Double.random(in: 0.9...1.1)
    }
}
