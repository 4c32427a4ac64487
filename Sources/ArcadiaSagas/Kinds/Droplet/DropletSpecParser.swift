import ArcadiaCore
import ArcadiaSpecs
import Foundation
import Yams

/// Reads the `spec` block of a `Droplet` file.
enum DropletSpecParser {
    static let ignorableFields = DropletSpec.fieldNames + [DropletPower.field]

    /// DigitalOcean rejects user data over 64 KiB.
    static let maximumUserDataBytes = 64 * 1024
    /// Tags Arcadia sets itself; an operator writing them would confuse ownership.
    static let reservedTagPrefixes = ["managed-by-arcadia", "arcadia-saga-"]
    /// A VPC is named by its UUID.
    static let vpcPattern = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    static func spec(from node: Node, reader: inout NodeReader) -> DropletSpec? {
        guard let entries = reader.entries(of: node, section: "spec", allowedKeys: DropletSpec.fieldNames) else { return nil }
        reader.requireKeys(DropletSpec.requiredFieldNames, in: entries, of: node, section: "spec")

        let region = slug(entries["region"]?.value, field: "region", reader: &reader)
        let size = slug(entries["size"]?.value, field: "size", reader: &reader)
        let image = slug(entries["image"]?.value, field: "image", reader: &reader)
        let tagItems = reader.stringItems(entries["tags"]?.value, field: "tags") ?? []
        validateTags(tagItems, reader: &reader)
        let keyItems = reader.stringItems(entries["sshKeys"]?.value, field: "sshKeys") ?? []
        validateSSHKeys(keyItems, reader: &reader)
        let (tags, sshKeys) = (tagItems.map(\.value), keyItems.map(\.value))
        let monitoring = reader.bool(entries["monitoring"]?.value, field: "monitoring") ?? false
        let ipv6 = reader.bool(entries["ipv6"]?.value, field: "ipv6") ?? false
        let backups = reader.bool(entries["backups"]?.value, field: "backups") ?? false
        let resizeDisk = reader.bool(entries["resizeDisk"]?.value, field: "resizeDisk") ?? false
        let userData = reader.string(entries["userData"]?.value, field: "userData")
        if let userData, userData.utf8.count > maximumUserDataBytes, let userDataNode = entries["userData"]?.value {
            reader.report(userDataNode, "userData is \(userData.utf8.count) bytes; DigitalOcean accepts at most 64 KiB")
        }
        let vpc = reader.string(entries["vpc"]?.value, field: "vpc")
        if let vpc, let vpcNode = entries["vpc"]?.value, !vpc.wholly(matches: vpcPattern) {
            reader.report(vpcNode, "'vpc' must be a VPC's UUID such as '760e09ef-dc84-11e8-981e-3cfdfeaae000', not '\(vpc.shown)'; leave it out for the region's default VPC")
        }

        guard let region, let size, let image else { return nil }
        return DropletSpec(
            region: region, size: size, image: image, tags: tags, sshKeys: sshKeys,
            monitoring: monitoring, ipv6: ipv6, backups: backups, userData: userData, vpc: vpc, resizeDisk: resizeDisk
        )
    }

    /// Region, size and image slugs are lower-case words joined by `-`, e.g. `s-1vcpu-1gb`.
    static func slug(_ node: Node?, field: String, reader: inout NodeReader) -> String? {
        guard let node, let text = reader.string(node, field: field) else { return nil }
        guard text.wholly(matches: "[a-z0-9][a-z0-9.-]*") else {
            reader.report(node, "'\(field)' must be a DigitalOcean slug such as \(example(for: field)), not '\(text.shown)'")
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

    /// A key is named by an SSHKey spec's name, or as DigitalOcean knows it: numeric id or MD5 fingerprint.
    /// A name is resolved with the other references; here only what can be neither is refused.
    private static func validateSSHKeys(_ keys: [(value: String, node: Node)], reader: inout NodeReader) {
        for (key, node) in keys where !ProviderCatalogue.isKeyLiteral(key) && key.contains(":") {
            reader.report(node, "sshKeys entry '\(key.shown)' looks like a fingerprint but is not one (aa:bb:…, 16 pairs of hex digits)")
        }
        for (key, node) in keys where key.trimmingCharacters(in: .whitespaces).isEmpty {
            reader.report(node, "sshKeys entries must not be empty: name an SSHKey spec, or a key's id or fingerprint")
        }
    }

    /// DigitalOcean accepts hostname-like names: letters, digits, `.` and `-`, starting and ending alphanumeric.
    static func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        if !name.wholly(matches: "[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?") {
            reader.report(
                node,
                "invalid droplet name '\(name.shown)': use 1-255 letters, digits, '.' or '-', starting and ending with a letter or digit"
            )
        }
    }

    static func validateTags(_ tags: [(value: String, node: Node)], reader: inout NodeReader) {
        for (tag, tagNode) in tags {
            if !tag.wholly(matches: "[A-Za-z0-9_:-]{1,255}") {
                reader.report(tagNode, "invalid tag '\(tag.shown)': use 1-255 letters, digits, '_', '-' or ':'")
            } else if reservedTagPrefixes.contains(where: { tag.lowercased().hasPrefix($0) }) {
                reader.report(tagNode, "tag '\(tag)' is reserved for Arcadia's own bookkeeping; remove it")
            }
        }
    }
}
