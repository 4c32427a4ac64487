import ArcadiaCore
import ArcadiaSpecs
import Yams

/// Reads the `spec` block of a `ReservedIP` file: the region the address is reserved in, and the
/// Droplet spec it is assigned to, if any.
enum ReservedIPSpecParser {
    static let fieldNames = ["region", "droplet"]
    /// Arcadia's name for the address (DigitalOcean's reserved IPs have none): as droplets are named.
    static let namePattern = "[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?"

    static func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        guard let entries = reader.entries(of: node, section: "spec", allowedKeys: fieldNames) else { return nil }
        reader.requireKeys(["region"], in: entries, of: node, section: "spec")
        var spec = ResourceSpec()
        var isValid = true
        if let regionNode = entries["region"]?.value, let region = reader.string(regionNode, field: "region") {
            if region.wholly(matches: "[a-z0-9][a-z0-9.-]*") {
                spec["region"] = .string(region)
            } else {
                reader.report(regionNode, "'region' must be a DigitalOcean slug such as 'nyc3', not '\(region.shown)'")
            }
        }
        if let dropletNode = entries["droplet"]?.value {
            if let droplet = reader.string(dropletNode, field: "droplet") {
                if droplet.wholly(matches: namePattern) {
                    spec["droplet"] = .string(droplet)
                } else {
                    reader.report(dropletNode, "'droplet' must name a Droplet spec (a droplet name: letters, digits, '.' or '-'), not '\(droplet.shown)'")
                    isValid = false
                }
            } else {
                isValid = false
            }
        }
        guard isValid, spec["region"] != nil else { return nil }
        return spec
    }

    static func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        if !name.wholly(matches: namePattern) {
            reader.report(node, "invalid reserved IP name '\(name.shown)': use letters, digits, '.' or '-' (up to 255), as a droplet is named")
        }
    }
}
