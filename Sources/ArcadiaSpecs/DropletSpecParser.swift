import Foundation
import Yams

/// Reads the `spec` block of a `Droplet` file.
enum DropletSpecParser {
    /// DigitalOcean rejects user data over 64 KiB.
    static let maximumUserDataBytes = 64 * 1024
    /// Tags Arcadia sets itself; an operator writing them would confuse ownership.
    static let reservedTagPrefixes = ["managed-by-arcadia", "arcadia-saga-"]

    static func spec(from node: Node, reader: inout NodeReader) -> DropletSpec? {
        guard let entries = reader.entries(of: node, section: "spec", allowedKeys: DropletSpec.fieldNames) else { return nil }
        reader.requireKeys(DropletSpec.requiredFieldNames, in: entries, of: node, section: "spec")

        let region = slug(entries["region"]?.value, field: "region", reader: &reader)
        let size = slug(entries["size"]?.value, field: "size", reader: &reader)
        let image = slug(entries["image"]?.value, field: "image", reader: &reader)
        let tags = reader.strings(entries["tags"]?.value, field: "tags") ?? []
        if let tagsNode = entries["tags"]?.value { validateTags(tags, node: tagsNode, reader: &reader) }
        let sshKeys = reader.strings(entries["sshKeys"]?.value, field: "sshKeys") ?? []
        if let keysNode = entries["sshKeys"]?.value { validateSSHKeys(sshKeys, node: keysNode, reader: &reader) }
        let monitoring = reader.bool(entries["monitoring"]?.value, field: "monitoring") ?? false
        let ipv6 = reader.bool(entries["ipv6"]?.value, field: "ipv6") ?? false
        let backups = reader.bool(entries["backups"]?.value, field: "backups") ?? false
        let resizeDisk = reader.bool(entries["resizeDisk"]?.value, field: "resizeDisk") ?? false
        let userData = reader.string(entries["userData"]?.value, field: "userData")
        if let userData, userData.utf8.count > maximumUserDataBytes, let userDataNode = entries["userData"]?.value {
            reader.report(userDataNode, "userData is \(userData.utf8.count) bytes; DigitalOcean accepts at most 64 KiB")
        }
        let vpc = reader.string(entries["vpc"]?.value, field: "vpc")

        guard let region, let size, let image else { return nil }
        return DropletSpec(
            region: region, size: size, image: image, tags: tags, sshKeys: sshKeys,
            monitoring: monitoring, ipv6: ipv6, backups: backups, userData: userData, vpc: vpc, resizeDisk: resizeDisk
        )
    }

    /// Region, size and image slugs are lower-case words joined by `-`, e.g. `s-1vcpu-1gb`.
    private static func slug(_ node: Node?, field: String, reader: inout NodeReader) -> String? {
        guard let node, let text = reader.string(node, field: field) else { return nil }
        guard text.range(of: #"^[a-z0-9][a-z0-9.-]*$"#, options: .regularExpression) != nil else {
            reader.report(node, "'\(field)' must be a DigitalOcean slug such as \(example(for: field)), not '\(text)'")
            return nil
        }
        return text
    }

    private static func example(for field: String) -> String {
        switch field {
        case "region": "'nyc3'"
        case "size": "'s-1vcpu-1gb'"
        default: "'ubuntu-24-04-x64'"
        }
    }

    /// Until the SshKey kind exists, keys are named as DigitalOcean accepts them: numeric id or MD5 fingerprint.
    private static func validateSSHKeys(_ keys: [String], node: Node, reader: inout NodeReader) {
        let items: [Node] = node.sequence.map { Array($0) } ?? []
        for (index, key) in keys.enumerated() {
            let isID = !key.isEmpty && key.allSatisfy(\.isNumber)
            let isFingerprint = key.range(of: #"^([0-9a-fA-F]{2}:){15}[0-9a-fA-F]{2}$"#, options: .regularExpression) != nil
            if !isID && !isFingerprint {
                reader.report(
                    index < items.count ? items[index] : node,
                    "sshKeys entry '\(key)' is neither a key id nor a fingerprint (aa:bb:…, 16 pairs); SshKey specs by name are not supported yet"
                )
            }
        }
    }

    private static func validateTags(_ tags: [String], node: Node, reader: inout NodeReader) {
        let items: [Node] = node.sequence.map { Array($0) } ?? []
        for (index, tag) in tags.enumerated() {
            let tagNode = index < items.count ? items[index] : node
            if tag.range(of: #"^[A-Za-z0-9_:-]{1,255}$"#, options: .regularExpression) == nil {
                reader.report(tagNode, "invalid tag '\(tag)': use 1-255 letters, digits, '_', '-' or ':'")
            } else if reservedTagPrefixes.contains(where: { tag.lowercased().hasPrefix($0) }) {
                reader.report(tagNode, "tag '\(tag)' is reserved for Arcadia's own bookkeeping; remove it")
            }
        }
    }
}
