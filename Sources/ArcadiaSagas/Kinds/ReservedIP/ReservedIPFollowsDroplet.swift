import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// A replaced droplet's address is reassigned to the replacement (one assign; DigitalOcean takes it
/// from the old droplet), and assigned back as the plan found it by the compensation.
extension ReservedIPKind: FollowsReplacedDroplet {
    public var movesWithReplacedDroplet: Bool { true }

    public func pointers(to dropletID: String, address: String?, in live: LiveResource) -> [String] {
        live[Self.liveDropletField]?.description == dropletID ? ["droplet"] : []
    }

    func move(_ dependent: DependentMove, to replacement: ReplacementDroplet, in environment: StepEnvironment) async throws {
        try await unlessGone(dependent, in: environment) {
            try await environment.performReservedIPAction("assign", ip: dependent.resourceID, dropletID: replacement.newID) {
                $0.dropletID == replacement.newID
            }
        }
    }

    func moveBack(_ dependent: DependentMove, from replacement: ReplacementDroplet, in environment: StepEnvironment) async throws {
        let before = dependent.fields.first { $0.field == "droplet" }?.from.flatMap(Int.init)
        try await ReservedIPAssignment.restore(dependent.resourceID, to: before, in: environment)
    }
}
