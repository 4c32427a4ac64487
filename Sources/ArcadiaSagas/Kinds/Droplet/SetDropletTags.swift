import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation

/// Brings the droplet's tags to the spec's: tags it with each missing one (creating the tag first:
/// DigitalOcean tags only with a tag that exists, under its canonical spelling) and untags each extra
/// one. Names compare case-insensitively, as the `tags` field does. Arcadia's own tags
/// (`managed-by-arcadia`, `arcadia-saga-*`) are never added or removed here. Idempotent: it reads the
/// droplet first, so tags already as wanted cost no write.
public struct SetDropletTags: Step {
    public let name = "SetDropletTags"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireNumericResourceID(step: name)
        let wanted = try context.requireDesired(step: name).spec.strings("tags")
        try await Self.retag(dropletID: dropletID, to: wanted, in: environment)
        return context
    }

    /// Puts back the set the droplet had when the saga was planned (the change's `from`). A droplet that
    /// is gone has no tags to restore.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let dropletID = try context.requireNumericResourceID(step: name)
        guard let before = context.input.change(of: "tags")?.from else { return }
        do {
            try await Self.retag(dropletID: dropletID, to: Self.names(inSetText: before), in: environment)
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    /// Tags and untags the droplet until its own tags are `wanted`: one read, then per tag added a
    /// create and a tag request, per tag removed an untag request.
    static func retag(dropletID: Int, to wanted: [String], in environment: StepEnvironment) async throws {
        let live = try await environment.client.getDroplet(id: dropletID).tags.filter { !Ownership.isOwnershipTag($0) }
        let liveNames = Set(live.map { $0.lowercased() })
        let wantedNames = Set(wanted.map { $0.lowercased() })
        var added: Set<String> = []
        for tag in wanted where !Ownership.isOwnershipTag(tag) && !liveNames.contains(tag.lowercased()) && added.insert(tag.lowercased()).inserted {
            let canonical = try await environment.client.createTag(name: tag)
            try await environment.client.tagResources(tag: canonical, droplets: [dropletID])
        }
        // The droplet lists each tag in its canonical spelling, the only one that addresses it.
        for tag in live where !wantedNames.contains(tag.lowercased()) {
            try await environment.client.untagResources(tag: tag, droplets: [dropletID])
        }
    }

    /// The names in a set as ``KindField/setText(_:)`` writes it: `[a, b]`. Tag names hold no commas or
    /// spaces, so the split is exact.
    static func names(inSetText text: String) -> [String] {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
