import ArcadiaState
import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The controller's metrics, through swift-metrics into one Prometheus registry served at `/metrics`.
/// Labels carry kinds, results and statuses, never a resource's name.
public final class ControllerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let leader: Metrics.Gauge
    private let reconcileDuration: Metrics.Timer
    private let rateLimitRemaining: Metrics.Gauge
    /// Kinds whose open-drift gauge has been set, so a kind whose drift all closed goes to 0.
    private let driftKinds = NIOLockedValueBox<Set<String>>([])

    public init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
        leader = Metrics.Gauge(label: "arcadia_leader", factory: factory)
        reconcileDuration = Metrics.Timer(label: "arcadia_reconcile_duration_seconds", preferredDisplayUnit: .seconds, factory: factory)
        rateLimitRemaining = Metrics.Gauge(label: "arcadia_digitalocean_ratelimit_remaining", factory: factory)
        leader.record(0)
    }

    public func setLeader(_ isLeader: Bool) {
        leader.record(isLeader ? 1 : 0)
    }

    public func reconciled(result: String, duration: Duration) {
        Metrics.Counter(label: "arcadia_reconcile_total", dimensions: [("result", result)], factory: factory).increment()
        reconcileDuration.recordNanoseconds(Int64(duration.timeInterval * 1e9))
    }

    public func driftOpen(byKind counts: [String: Int]) {
        let kinds = driftKinds.withLockedValue { known in
            known.formUnion(counts.keys)
            return known
        }
        for kind in kinds {
            Metrics.Gauge(label: "arcadia_drift_open", dimensions: [("kind", kind)], factory: factory).record(counts[kind] ?? 0)
        }
    }

    public func driftDetected(kind: String, count: Int = 1) {
        Metrics.Counter(label: "arcadia_drift_detected_total", dimensions: [("kind", kind)], factory: factory).increment(by: count)
    }

    public func sagaEnded(kind: String, outcome: String) {
        Metrics.Counter(label: "arcadia_saga_total", dimensions: [("kind", kind), ("outcome", outcome)], factory: factory).increment()
    }

    /// Each answer (or failure to get one) from DigitalOcean, by status.
    public func digitalOceanRequest(status: String) {
        Metrics.Counter(label: "arcadia_digitalocean_requests_total", dimensions: [("status", status)], factory: factory).increment()
    }

    public func rateLimit(remaining: Int) {
        rateLimitRemaining.record(remaining)
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        registry.emitToString()
    }
}
