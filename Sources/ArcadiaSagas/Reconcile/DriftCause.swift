import ArcadiaCore
import ArcadiaState
import DigitalOceanAPI

/// Finds what made a drift: the newest action on the droplet of a type that changes the field, which
/// no saga of Arcadia's started. Asked only for resources with new drift (one request each), never on
/// every sweep.
enum DriftCauseFinder {
    /// Field → the droplet action types that change it.
    static let actionTypes: [String: Set<String>] = [
        "size": ["resize"],
        DropletPower.field: ["power_off", "shutdown"],
        "backups": ["enable_backups", "disable_backups"],
        "ipv6": ["enable_ipv6"],
        "image": ["rebuild", "restore"],
    ]

    /// Causes for the new findings, by `kind/name/field`. A failure to read a history leaves that cause
    /// unknown: the drift is recorded all the same.
    static func causes(of findings: [DriftFinding], client: DigitalOceanClient, store: Store) async -> [String: DriftCause] {
        var causes: [String: DriftCause] = [:]
        let byDroplet = Dictionary(grouping: findings.filter { actionTypes[$0.field] != nil }, by: \.resourceID)
        for (resourceID, findings) in byDroplet {
            guard let id = Int(resourceID),
                  let history = try? await client.recentDropletActions(dropletID: id),
                  let ours = try? await Set(store.recordedActionIDs(resourceID: resourceID))
            else { continue }
            let foreign = history.filter { !ours.contains($0.id) && $0.status != "errored" }.sorted { $0.id > $1.id }
            for finding in findings {
                guard let types = actionTypes[finding.field], let action = foreign.first(where: { types.contains($0.type) }) else { continue }
                causes["\(finding.kind.rawValue)/\(finding.name)/\(finding.field)"] = DriftCause(
                    type: action.type, actionID: action.id, startedAt: action.startedAt
                )
            }
        }
        return causes
    }
}
