import ArcadiaCore
import DigitalOceanAPI

/// A domain's A records at a replaced droplet are pointed at the replacement's address, each with a
/// `PUT` of the whole record (same id), and put back to the old address by the compensation.
extension DomainKind: FollowsReplacedDroplet {
    public var movesWithReplacedDroplet: Bool { true }

    func move(_ dependent: DependentMove, to replacement: ReplacementDroplet, in environment: StepEnvironment) async throws {
        let address = try await replacement.address(in: environment)
        for field in dependent.fields {
            guard let from = field.from.flatMap(DomainRecordEntry.init(text:)), let id = from.id,
                  let to = field.to.flatMap(DomainRecordEntry.init(text:)) else {
                throw StepError.permanent("domain '\(dependent.name)': the record move \(field.field) names no live record")
            }
            try await unlessGone(dependent, in: environment) {
                _ = try await environment.client.updateDomainRecord(dependent.resourceID, id: id, to.request(data: address))
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
