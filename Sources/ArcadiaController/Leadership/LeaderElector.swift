import ArcadiaState
import Foundation
import Logging
import ServiceLifecycle

/// Leader election through the state database: one lease row (holder, renew time, duration). The
/// leader renews it every `renewInterval`; the others try every `retryPeriod` and take it when it has
/// run out, or at once when its holder is a process on this host that is gone. Only the leader
/// reconciles; every replica serves the API. On a graceful shutdown the lease is given up, so the next
/// replica takes over at its next try.
public final class LeaderElector: Service {
    let store: Store
    let owner: String
    let holder: String
    let settings: ControllerSettings
    let status: ControllerStatus
    let metrics: ControllerMetrics
    let logger: Logger
    /// Hears each change of leadership: true when this replica starts leading.
    let onChange: @Sendable (Bool) async -> Void
    /// Hears, while this replica leads, a pass asked for on another replica (who asked), at the renewal after.
    let onRequest: @Sendable (String) async -> Void

    public init(
        store: Store, owner: String, holder: String, settings: ControllerSettings, status: ControllerStatus, metrics: ControllerMetrics,
        logger: Logger, onChange: @escaping @Sendable (Bool) async -> Void, onRequest: @escaping @Sendable (String) async -> Void
    ) {
        self.store = store
        self.owner = owner
        self.holder = holder
        self.settings = settings
        self.status = status
        self.metrics = metrics
        self.logger = logger
        self.onChange = onChange
        self.onRequest = onRequest
    }

    public func run() async throws {
        let leads = await cancelWhenGracefulShutdown { () -> Bool in
            var leads = false
            while !Task.isCancelled {
                let now: Bool
                do {
                    now = leads
                        ? try await self.store.renewLeadership(owner: self.owner, leaseSeconds: self.settings.leaseDuration.timeInterval)
                        : try await self.store.acquireLeadership(owner: self.owner, holder: self.holder, leaseSeconds: self.settings.leaseDuration.timeInterval)
                } catch is CancellationError {
                    break
                } catch {
                    // The database is away: this replica cannot know it still leads, so it stops acting as leader.
                    self.logger.warning("leader election: the state database did not answer; not leading until it does", metadata: [
                        "arcadia.error": "\(error)",
                    ])
                    now = false
                }
                if now != leads {
                    leads = now
                    self.logger.notice(now ? "leading: this replica reconciles" : "no longer leading: the lease was taken over or could not be renewed")
                    await self.status.setLeader(now)
                    self.metrics.setLeader(now)
                    await self.onChange(now)
                }
                if leads, let asker = try? await self.store.takeReconcileRequest() {
                    self.logger.info("a pass was asked for on another replica", metadata: ["arcadia.by": "\(asker)"])
                    await self.onRequest(asker)
                }
                try? await Task.sleep(for: leads ? self.settings.renewInterval : self.settings.retryPeriod)
            }
            return leads
        }
        if leads {
            try? await store.releaseLeadership(owner: owner)
            await status.setLeader(false)
            metrics.setLeader(false)
            await onChange(false)
            logger.notice("gave the leader lease up for a graceful shutdown")
        }
    }
}
