import ArcadiaSpecs
import Crypto
import Foundation

/// Identifies the world a plan was made from, so a saved plan is applied only to that world.
public enum Fingerprint {
    private struct World: Encodable {
        struct Desired: Encodable {
            var kind: ResourceKind
            var name: String
            var spec: ResourceSpec
            var policy: ResourcePolicy
        }

        var desired: [Desired]
        var applied: [AppliedResource]
        var live: [LiveResource]
        var unfinished: [String]
        var targets: [String]
    }

    /// SHA-256 (hex) of a canonical encoding; source positions are left out, so moving a file changes nothing.
    /// Unfinished sagas count too: a saved plan made while none was unfinished is not applied once one is.
    public static func make(desired: [DesiredResource], applied: [AppliedResource], live: [LiveResource], unfinished: [UnfinishedSaga] = [], targets: [String] = []) -> String {
        let world = World(
            desired: desired.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }.map { World.Desired(kind: $0.kind, name: $0.name, spec: $0.spec, policy: $0.policy) },
            applied: applied.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) },
            live: live.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) },
            unfinished: unfinished.map { "\($0.id):\($0.status)" }.sorted(),
            targets: targets.sorted()
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding plain value types with string keys cannot fail.
        let data = (try? encoder.encode(world)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
