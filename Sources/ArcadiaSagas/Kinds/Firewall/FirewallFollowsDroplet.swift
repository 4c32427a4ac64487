import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// A firewall over a replaced droplet is given the replacement with DigitalOcean's add-droplets call,
/// which touches nothing else of the firewall (two replace sagas may move one firewall at once). The
/// old droplet stays filtered until it is destroyed, when DigitalOcean drops it from the firewall. The
/// compensation removes the replacement again.
extension FirewallKind: FollowsReplacedDroplet {
    public var movesWithReplacedDroplet: Bool { true }

    public func pointers(to dropletID: String, address: String?, in live: LiveResource) -> [String] {
        (live[Self.liveDroplets]?.items ?? []).contains(dropletID) ? ["droplets"] : []
    }

    func move(_ dependent: DependentMove, to replacement: ReplacementDroplet, in environment: StepEnvironment) async throws {
        try await unlessGone(dependent, in: environment) {
            try await environment.client.addDropletsToFirewall(id: dependent.resourceID, dropletIDs: [replacement.newID])
        }
    }

    func moveBack(_ dependent: DependentMove, from replacement: ReplacementDroplet, in environment: StepEnvironment) async throws {
        try await unlessGone(dependent, in: environment) {
            try await environment.client.removeDropletsFromFirewall(id: dependent.resourceID, dropletIDs: [replacement.newID])
        }
    }
}
