import ArcadiaCore
import ArcadiaSpecs
import Yams

/// Reads the `spec` block of a `ReservedIP` file: the region the address is reserved in, and the
/// Droplet spec it is assigned to, if any.
enum ReservedIPSpecParser {
    static let fieldNames = ["region", "droplet"]
    /// Arcadia's name for the address (DigitalOcean's reserved IPs have none): as droplets are named.
    static let namePattern = SpecFieldReading.dropletNamePattern

    static func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        guard let entries = reader.entries(of: node, section: "spec", allowedKeys: fieldNames) else { return nil }
        reader.requireKeys(["region"], in: entries, of: node, section: "spec")
        var spec = ResourceSpec()
        SpecFieldReading.region(entries, into: &spec, reader: &reader)
        let isValid = SpecFieldReading.dropletReference("droplet", entries, into: &spec, reader: &reader)
        guard isValid, spec["region"] != nil else { return nil }
        return spec
    }

    static func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        if !name.wholly(matches: namePattern) {
            reader.report(node, "invalid reserved IP name '\(name.shown)': use letters, digits, '.' or '-' (up to 255), as a droplet is named")
        }
    }
}
