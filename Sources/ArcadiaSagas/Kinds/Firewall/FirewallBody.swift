import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// The whole firewall a `POST` or `PUT` sends, built when the step runs: droplets by the ids Arcadia
/// recorded for them then (a droplet created or replaced earlier in the same apply has one only
/// then), and every tag it names created first, since DigitalOcean refers only to tags that exist.
enum FirewallBody {
    /// The firewall the spec describes.
    static func desired(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws -> Firewall {
        let spec = try context.requireDesired(step: step).spec
        return try await make(
            context.input.name, droplets: try await dropletIDs(spec.strings("droplets"), context: context, in: environment), tags: spec.strings("tags"),
            inbound: spec.strings("inbound"), outbound: spec.strings("outbound"), in: environment
        )
    }

    /// The firewall as the plan found it: the spec's values, with each field the change moves put
    /// back to the value it moves from. What a compensation `PUT`s.
    static func previous(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws -> Firewall {
        let spec = try context.requireDesired(step: step).spec
        func before(_ field: String) -> [String]? {
            context.input.change(of: field)?.from.map(SetVolumeTags.tags(fromSetText:))
        }
        var droplets = before("droplets")?.compactMap(Int.init)
        if droplets == nil { droplets = try await dropletIDs(spec.strings("droplets"), context: context, in: environment) }
        return try await make(
            context.input.name, droplets: droplets ?? [], tags: before("tags") ?? spec.strings("tags"),
            inbound: before("inbound") ?? spec.strings("inbound"), outbound: before("outbound") ?? spec.strings("outbound"), in: environment
        )
    }

    private static func make(
        _ name: String, droplets: [Int], tags: [String], inbound: [String], outbound: [String], in environment: StepEnvironment
    ) async throws -> Firewall {
        var firewall = Firewall(
            name: name, inboundRules: inbound.compactMap(FirewallRuleText.rule), outboundRules: outbound.compactMap(FirewallRuleText.rule),
            dropletIDs: droplets, tags: tags
        )
        // The tag's first spelling is the only one that addresses it: use what DigitalOcean answers.
        var canonical: [String: String] = [:]
        let named = tags + (firewall.inboundRules + firewall.outboundRules).flatMap(\.targets.tags)
        for tag in named where canonical[tag.lowercased()] == nil {
            canonical[tag.lowercased()] = try await environment.client.createTag(name: tag)
        }
        func spelled(_ tags: [String]) -> [String] { tags.map { canonical[$0.lowercased()] ?? $0 } }
        firewall.tags = spelled(firewall.tags)
        for index in firewall.inboundRules.indices { firewall.inboundRules[index].targets.tags = spelled(firewall.inboundRules[index].targets.tags) }
        for index in firewall.outboundRules.indices { firewall.outboundRules[index].targets.tags = spelled(firewall.outboundRules[index].targets.tags) }
        return firewall
    }

    /// The ids Arcadia recorded for the named droplets; a permanent error naming one it has not created.
    private static func dropletIDs(_ names: [String], context: SagaContext, in environment: StepEnvironment) async throws -> [Int] {
        guard !names.isEmpty else { return [] }
        let ids = try await environment.recordedDropletIDs()
        return try names.map { name in
            guard let id = ids[name] else {
                throw StepError.permanent(
                    "firewall '\(context.input.name)' names Droplet '\(name)', which Arcadia has not created; apply the droplet first"
                )
            }
            return id
        }
    }
}
