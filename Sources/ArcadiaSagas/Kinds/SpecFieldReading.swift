import ArcadiaSpecs
import Yams

/// Spec fields several kinds read alike: a region slug, and a field naming one Droplet spec.
enum SpecFieldReading {
    /// What a field naming a Droplet spec may hold: a droplet name, as DigitalOcean names droplets.
    static let dropletNamePattern = "[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?"

    /// Reads `region` into the spec when it is a DigitalOcean slug; reports it where it is not.
    static func region(_ entries: [String: (key: Node, value: Node)], into spec: inout ResourceSpec, reader: inout NodeReader) {
        guard let regionNode = entries["region"]?.value, let region = reader.string(regionNode, field: "region") else { return }
        if region.wholly(matches: "[a-z0-9][a-z0-9.-]*") {
            spec["region"] = .string(region)
        } else {
            reader.report(regionNode, "'region' must be a DigitalOcean slug such as 'nyc3', not '\(region.shown)'")
        }
    }

    /// Reads `field`, naming a Droplet spec, into the spec; false when it is there and wrong.
    static func dropletReference(_ field: String, _ entries: [String: (key: Node, value: Node)], into spec: inout ResourceSpec, reader: inout NodeReader) -> Bool {
        guard let node = entries[field]?.value else { return true }
        guard let droplet = reader.string(node, field: field) else { return false }
        guard droplet.wholly(matches: dropletNamePattern) else {
            reader.report(node, "'\(field)' must name a Droplet spec (a droplet name: letters, digits, '.' or '-'), not '\(droplet.shown)'")
            return false
        }
        spec[field] = .string(droplet)
        return true
    }
}
