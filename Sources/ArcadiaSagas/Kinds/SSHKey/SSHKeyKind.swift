import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Yams

/// The `SSHKey` kind: a public key in the account, which droplets name in `sshKeys`. DigitalOcean's
/// keys carry no tags: a key is Arcadia's by its record alone.
public struct SSHKeyKind: ResourceKindModule {
    public let kind = ResourceKind.sshKey
    public let fieldNames = ["publicKey"]
    public var isTagged: Bool { false }

    public init() {}

    // MARK: Spec

    public func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        guard let entries = reader.entries(of: node, section: "spec", allowedKeys: fieldNames) else { return nil }
        reader.requireKeys(fieldNames, in: entries, of: node, section: "spec")
        guard let keyNode = entries["publicKey"]?.value, let text = reader.string(keyNode, field: "publicKey") else { return nil }
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard PublicKey.fingerprint(of: key) != nil else {
            if key.contains("PRIVATE KEY") {
                // Nothing of it is echoed: it is a secret, and it is now in a file someone may commit.
                reader.report(keyNode, "publicKey holds a private key: remove it from this file now (and rotate it if it was committed); "
                    + "write the public key line instead, the contents of the .pub file")
                return nil
            }
            let type = key.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
            reader.report(
                keyNode,
                "publicKey must be one OpenSSH public key line whose first word is the key's type, such as "
                    + "'ssh-ed25519 AAAAC3Nza… user@host' (the contents of a .pub file), not one starting '\(String(type.prefix(24)).shown)'"
            )
            return nil
        }
        return ResourceSpec(["publicKey": .string(key)])
    }

    public func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        if name.isEmpty || name.count > 255 || name != name.shown {
            reader.report(node, "invalid SSH key name '\(name.shown)': use 1-255 printable characters")
        }
    }

    // MARK: Diff

    public let fields: [KindField] = [
        // The key's material decides; its comment does not (DigitalOcean keeps what was uploaded).
        KindField(
            name: "publicKey",
            desired: { spec, _ in spec.string("publicKey").map(PublicKey.material) },
            live: { $0["publicKey"]?.text.map(PublicKey.material) },
            mode: .replace
        ),
    ]

    public func summary(of spec: ResourceSpec) -> String {
        "SSHKey, " + (spec.string("publicKey").flatMap(PublicKey.fingerprint(of:)) ?? "?")
    }

    // MARK: Sagas

    public var steps: [any Step] { [CreateSSHKey(), DestroySSHKey(), RegisterResource(.sshKey), ForgetResource(.sshKey)] }

    public func plan(_ change: Change) -> PlannedChange {
        func planned(_ sagaKind: String, _ steps: [any Step], irreversible: [String] = []) -> PlannedChange {
            PlannedChange(change: change, sagaKind: sagaKind, steps: steps.map(\.name), irreversible: irreversible)
        }
        let kept = "droplets created with it keep it in their authorized keys until they are replaced"
        switch change.action {
        case .create:
            return planned("create", [CreateSSHKey(), RegisterResource(.sshKey)])
        case .replace:
            return planned(
                "replace", [CreateSSHKey(), DestroySSHKey(), RegisterResource(.sshKey)],
                irreversible: ["DigitalOcean cannot change a key's material: uploads the new key and removes key \(change.resourceID ?? "?"); \(kept)"]
            )
        case .destroy:
            return change.isResourceGone
                ? planned("destroy", [ForgetResource(.sshKey)])
                : planned("destroy", [DestroySSHKey(), ForgetResource(.sshKey)],
                          irreversible: ["removes key \(change.resourceID ?? "?") from the account; \(kept)"])
        case .update:
            return planned("update", [RecordApplied()])
        }
    }

    // MARK: Inventory

    public func inventory(_ client: DigitalOceanClient) async throws -> [LiveResource] {
        try await client.listSSHKeys().map(Self.normalise)
    }

    public func live(id: String, client: DigitalOceanClient) async throws -> LiveResource? {
        do {
            return Self.normalise(try await client.getSSHKey(idOrFingerprint: id))
        } catch let error as DigitalOceanError where error.isNotFound {
            return nil
        }
    }

    static func normalise(_ key: SSHKey) -> LiveResource {
        LiveResource(
            kind: .sshKey, id: String(key.id), name: key.name,
            values: ["publicKey": .string(key.publicKey), "fingerprint": .string(key.fingerprint)], isManaged: true
        )
    }
}
