import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// In a droplet's replace saga, once the new droplet is active and before the old one is destroyed:
/// moves whatever names the droplet to the new one (the plan's `dependents`): a reserved IP reassigned,
/// a firewall given the new droplet, a domain's A records pointed at the new address. Nothing points at
/// a destroyed droplet, and the address and the DNS name keep answering through the replacement. Each
/// move is idempotent, so a re-run repeats none; the compensation moves each back onto the old droplet,
/// which is still there (the destroy comes after).
public struct MoveDependents: Step {
    public let name = "MoveDependents"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var replacement = try ReplacementDroplet(context, step: name)
        let dependents = context.input.dependents ?? []
        // The new address, read once for every domain that moves to it.
        if dependents.contains(where: { $0.kind == .domain }) {
            replacement.address = try await environment.publicIPv4(ofDroplet: replacement.newID, named: context.input.name)
        }
        for dependent in Self.inOrder(dependents) {
            try await Self.follower(of: dependent, step: name).move(dependent, to: replacement, in: environment)
        }
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        // No new droplet recorded: nothing can have moved to it.
        guard context[.resourceID] != nil else { return }
        let replacement = try ReplacementDroplet(context, step: name)
        for dependent in Self.inOrder(context.input.dependents ?? []).reversed() {
            try await Self.follower(of: dependent, step: name).moveBack(dependent, from: replacement, in: environment)
        }
    }

    /// Firewalls first, so the new droplet is filtered before any traffic is sent its way; then the
    /// reserved IPs, then the names. Undone in the reverse order.
    static func inOrder(_ dependents: [DependentMove]) -> [DependentMove] {
        let order: [ResourceKind] = [.firewall, .reservedIP, .domain]
        return dependents.enumerated().sorted { first, second in
            let (a, b) = (order.firstIndex(of: first.element.kind) ?? order.count, order.firstIndex(of: second.element.kind) ?? order.count)
            return a != b ? a < b : first.offset < second.offset
        }.map(\.element)
    }

    private static func follower(of dependent: DependentMove, step: String) throws -> any FollowsReplacedDroplet {
        guard let follower = Kinds.module(for: dependent.kind) as? any FollowsReplacedDroplet else {
            throw StepError.permanent("step \(step): a \(dependent.kind.rawValue) cannot follow a replaced droplet in its saga")
        }
        return follower
    }
}

/// The two droplets of a replace, as DigitalOcean numbers them.
struct ReplacementDroplet: Sendable {
    /// The droplet being replaced, destroyed after the moves.
    let oldID: Int
    /// The replacement, active.
    let newID: Int
    /// The replacement's public IPv4 address, read by ``MoveDependents`` when a record moves to it.
    var address: String?

    init(_ context: SagaContext, step: String) throws {
        oldID = try context.requireDestroyID(step: step)
        newID = try context.requireNumericResourceID(step: step)
    }

}

/// A kind whose resources a droplet's replace saga moves to the new droplet (``MoveDependents``).
/// Both methods are idempotent; one whose resource was deleted outside Arcadia logs it and moves on,
/// since the next plan puts it back.
protocol FollowsReplacedDroplet: ResourceKindModule {
    func move(_ dependent: DependentMove, to replacement: ReplacementDroplet, in environment: StepEnvironment) async throws
    func moveBack(_ dependent: DependentMove, from replacement: ReplacementDroplet, in environment: StepEnvironment) async throws
}

extension FollowsReplacedDroplet {
    /// Runs `body`, logging instead of failing when the dependent is gone from DigitalOcean.
    func unlessGone(_ dependent: DependentMove, in environment: StepEnvironment, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as DigitalOceanError where error.isNotFound {
            environment.logger.warning(
                "not moving \(dependent.key): DigitalOcean no longer has it; the next plan shows what to do",
                metadata: ["arcadia.resource_id": "\(dependent.resourceID)"]
            )
        }
    }
}
