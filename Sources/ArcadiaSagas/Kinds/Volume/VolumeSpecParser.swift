import ArcadiaCore
import ArcadiaSpecs
import Yams

/// Reads the `spec` block of a `Volume` file, with DigitalOcean's rules for each field (the contract's
/// `volume_base` and `volumes_ext4`/`volumes_xfs`).
enum VolumeSpecParser {
    static let fieldNames = ["region", "sizeGigabytes", "filesystemType", "description", "tags", "attachTo"]
    static let requiredFieldNames = ["region", "sizeGigabytes"]
    static let filesystemTypes = ["ext4", "xfs"]
    /// GiB; DigitalOcean's largest volume is 16 TiB.
    static let maximumGigabytes = 16_384
    /// DigitalOcean's volume names: lowercase letters, digits and `-`, starting with a letter, at most 64.
    static let namePattern = "[a-z][a-z0-9-]{0,63}"

    static func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        guard let entries = reader.entries(of: node, section: "spec", allowedKeys: fieldNames) else { return nil }
        reader.requireKeys(requiredFieldNames, in: entries, of: node, section: "spec")
        var spec = ResourceSpec()
        var isValid = true

        SpecFieldReading.region(entries, into: &spec, reader: &reader)
        if let sizeNode = entries["sizeGigabytes"]?.value, let size = reader.positiveInteger(sizeNode, field: "sizeGigabytes") {
            if size <= maximumGigabytes {
                spec["sizeGigabytes"] = .integer(size)
            } else {
                reader.report(sizeNode, "'sizeGigabytes' is at most \(maximumGigabytes) (16 TiB, DigitalOcean's largest volume), not \(size)")
            }
        }
        if let typeNode = entries["filesystemType"]?.value, let type = reader.string(typeNode, field: "filesystemType") {
            if filesystemTypes.contains(type) {
                spec["filesystemType"] = .string(type)
            } else {
                reader.report(typeNode, "'filesystemType' must be ext4 or xfs, not '\(type.shown)'; leave it out for an unformatted volume")
                isValid = false
            }
        }
        if let descriptionNode = entries["description"]?.value {
            if let description = reader.string(descriptionNode, field: "description") { spec["description"] = .string(description) } else { isValid = false }
        }
        if let tagsNode = entries["tags"]?.value {
            if let tags = reader.stringItems(tagsNode, field: "tags") {
                validateTags(tags, reader: &reader)
                spec["tags"] = .strings(tags.map(\.value))
            } else {
                isValid = false
            }
        }
        if !SpecFieldReading.dropletReference("attachTo", entries, into: &spec, reader: &reader) { isValid = false }
        guard isValid, spec["region"] != nil, spec["sizeGigabytes"] != nil else { return nil }
        return spec
    }

    static func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        if !name.wholly(matches: namePattern) {
            reader.report(
                node,
                "invalid volume name '\(name.shown)': DigitalOcean takes 1-64 lowercase letters, digits or '-', starting with a letter"
            )
        }
    }

    /// Tags as DigitalOcean takes them; Arcadia's own are refused, as on droplets.
    static func validateTags(_ tags: [(value: String, node: Node)], reader: inout NodeReader) {
        for (tag, node) in tags {
            if !tag.wholly(matches: "[A-Za-z0-9_:-]{1,255}") {
                reader.report(node, "invalid tag '\(tag.shown)': use 1-255 letters, digits, '_', '-' or ':'")
            } else if Ownership.isOwnershipTag(tag) || tag.lowercased().hasPrefix(Ownership.managedTag) {
                reader.report(node, "tag '\(tag)' is reserved for Arcadia's own bookkeeping; remove it")
            }
        }
    }
}
