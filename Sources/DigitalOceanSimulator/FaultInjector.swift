import Foundation
import NIOConcurrencyHelpers

/// What the middleware does to one request.
enum RequestFault: Equatable {
    case none
    case error(status: Int)
    case drop
    case loseResponse
}

/// Draws faults from a ``FaultPlan`` with a seeded generator, so a run can be repeated exactly.
final class FaultInjector: Sendable {
    private struct State {
        var plan: FaultPlan
        var random: SplitMix64
        var once: [FaultPlan.OneShot]

        init(plan: FaultPlan) {
            self.plan = plan
            random = SplitMix64(seed: plan.seed ?? 0)
            once = plan.once ?? []
        }

        /// The one-shot at `index` if it fires now (it is then gone); nil while it lets matches pass.
        mutating func fire(at index: Int) -> FaultPlan.OneShot? {
            if let after = once[index].after, after > 0 {
                once[index].after = after - 1
                return nil
            }
            return once.remove(at: index)
        }
    }

    private let state: NIOLockedValueBox<State>

    init(plan: FaultPlan) {
        state = NIOLockedValueBox(State(plan: plan))
    }

    /// Replaces the plan (`POST /_sim/faults`), restarting the generator from its seed.
    func replace(with plan: FaultPlan) {
        state.withLockedValue { $0 = State(plan: plan) }
    }

    /// Adds one-shot faults to the current plan.
    func add(_ shots: [FaultPlan.OneShot]) {
        state.withLockedValue { $0.once += shots }
    }

    /// The plan, with the one-shots that have not fired yet as its `once`.
    var plan: FaultPlan {
        state.withLockedValue { state in
            var plan = state.plan
            plan.once = state.once.isEmpty ? nil : state.once
            return plan
        }
    }

    /// The fault for one request to `route` (`METHOD /v2/template`), and the latency to add first.
    func draw(route: String) -> (fault: RequestFault, latency: Duration) {
        state.withLockedValue { state in
            if let index = state.once.firstIndex(where: { $0.fault != .actionError && $0.route == route }), let shot = state.fire(at: index) {
                switch shot.fault {
                case .error: return (.error(status: shot.status ?? 500), .zero)
                case .drop: return (.drop, .zero)
                case .loseResponse: return (.loseResponse, .zero)
                case .actionError: break
                }
            }
            var fault = RequestFault.none
            var latency = Duration.zero
            for rule in state.plan.routes ?? [] where rule.route == "*" || rule.route == route {
                if let bounds = rule.latencyMs {
                    latency += .milliseconds(bounds[0] + Int(state.random.next() % UInt64(bounds[1] - bounds[0] + 1)))
                }
                guard fault == .none else { continue }
                if state.random.chance(rule.dropRate) {
                    fault = .drop
                } else if state.random.chance(rule.errorRate) {
                    let statuses = rule.statuses ?? [500, 502, 503, 504]
                    fault = .error(status: statuses[Int(state.random.next() % UInt64(statuses.count))])
                } else if state.random.chance(rule.loseResponseRate) {
                    fault = .loseResponse
                }
            }
            return (fault, latency)
        }
    }

    /// Whether a new action of `type` on `resourceID` is to end `errored`.
    func actionErrors(type: String, resourceID: Int?) -> Bool {
        state.withLockedValue { state in
            if let index = state.once.firstIndex(where: {
                $0.fault == .actionError && ($0.actionType ?? type) == type && ($0.resourceId == nil || $0.resourceId == resourceID)
            }), state.fire(at: index) != nil {
                return true
            }
            let rate = (state.plan.actions ?? []).first { $0.type == type || $0.type == "*" }?.errorRate
            return state.random.chance(rate)
        }
    }
}

/// A tiny seeded generator (SplitMix64): reproducible across runs and platforms, unlike the system's.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `rate`; false when `rate` is nil or 0, without drawing.
    mutating func chance(_ rate: Double?) -> Bool {
        guard let rate, rate > 0 else { return false }
        return Double(next() >> 11) / Double(1 << 53) < rate
    }
}
