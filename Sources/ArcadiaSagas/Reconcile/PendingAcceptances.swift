import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState

/// Acceptances the controller recorded but could not write to the spec file yet (see
/// ``PendingAcceptance``): the plan reads the specs as if they said it, until they do.
enum PendingAcceptances {
    /// The specs with every standing acceptance laid over them, and the acceptances whose spec file
    /// has caught up, or now says something else, or whose resource is gone: those are settled.
    static func overlay(_ desired: [DesiredResource], with pending: [PendingAcceptance]) -> (desired: [DesiredResource], settled: [Int]) {
        guard !pending.isEmpty else { return (desired, []) }
        var desired = desired
        var settled: [Int] = []
        for acceptance in pending {
            guard let index = desired.firstIndex(where: { $0.kind.rawValue == acceptance.kind && $0.name == acceptance.name }) else {
                settled.append(acceptance.driftID)
                continue
            }
            let now = desired[index].spec[acceptance.field].flatMap { try? CanonicalJSON.string($0) }
            switch acceptance.action {
            case .accept:
                guard now == acceptance.specValue, let text = acceptance.acceptedValue,
                      let value = try? CanonicalJSON.decode(SpecValue.self, from: text)
                else {
                    settled.append(acceptance.driftID)
                    continue
                }
                desired[index].spec[acceptance.field] = value
            case .ignore:
                guard !desired[index].policy.ignore.contains(acceptance.field) else {
                    settled.append(acceptance.driftID)
                    continue
                }
                desired[index].policy.ignore.append(acceptance.field)
            }
        }
        return (desired, settled)
    }
}
