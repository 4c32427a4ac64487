import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// A domain's A records at a replaced droplet are pointed at the replacement's address, each with a
/// `PUT` of the record as it is live (same id) but for its data: a TTL the spec also changes is the
/// domain's own saga's to set. The compensation puts the old address back.
extension DomainKind: FollowsReplacedDroplet {
    public var movesWithReplacedDroplet: Bool { true }

    public func pointers(to dropletID: String, address: String?, in live: LiveResource) -> [String] {
        guard let address else { return [] }
        return Self.liveEntries(live).filter { ["A", "AAAA"].contains($0.type.uppercased()) && $0.data == address }.map { "records[\($0.type) \($0.name)]" }
    }

    func move(_ dependent: DependentMove, to replacement: ReplacementDroplet, in environment: StepEnvironment) async throws {
        guard let address = replacement.address else {
            throw StepError.permanent("domain '\(dependent.name)': the replacement droplet's address was not read before its records moved")
        }
        for field in dependent.fields {
            guard let from = field.from.flatMap(DomainRecordEntry.init(text:)), let id = from.id else {
                throw StepError.permanent("domain '\(dependent.name)': the record move \(field.field) names no live record")
            }
            try await unlessGone(dependent, in: environment) {
                _ = try await environment.client.updateDomainRecord(dependent.resourceID, id: id, from.request(data: address))
            }
        }
    }

    func moveBack(_ dependent: DependentMove, from replacement: ReplacementDroplet, in environment: StepEnvironment) async throws {
        for field in dependent.fields {
            guard let from = field.from.flatMap(DomainRecordEntry.init(text:)), let id = from.id, let data = from.data else { continue }
            try await unlessGone(dependent, in: environment) {
                _ = try await environment.client.updateDomainRecord(dependent.resourceID, id: id, from.request(data: data))
            }
        }
    }
}
