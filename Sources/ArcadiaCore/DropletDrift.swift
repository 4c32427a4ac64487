import ArcadiaSpecs

/// A drifted droplet field's live value, in the forms the drift inbox needs: as the differ compares it
/// (to see whether it moved again), and as the spec would say it (for `drift accept`).
public enum DropletDrift {
    /// The live value of `field` as drift records hold it; nil for a field DigitalOcean does not report.
    public static func liveText(of field: String, in droplet: LiveDroplet) -> String? {
        if field == DropletPower.field { return droplet.status }
        return DropletField.all.first { $0.name == field }?.live?(droplet)
    }

    /// What the spec must say for `field` to be the live value, or why it cannot say it.
    public static func specValue(of field: String, in droplet: LiveDroplet) -> Result<SpecValue, DriftNotAcceptable> {
        switch field {
        case "size": .success(.string(droplet.size))
        case "image": .success(.string(droplet.image))
        case "region": .success(.string(droplet.region))
        case "tags": .success(.strings(droplet.tags))
        case "monitoring": .success(.bool(droplet.monitoring))
        case "ipv6": .success(.bool(droplet.ipv6))
        case "backups": .success(.bool(droplet.backups))
        case DropletPower.field:
            .failure(DriftNotAcceptable(
                "a droplet's power state is not a spec field: a spec'd droplet is meant to run. `arcadia drift revert` powers it on; "
                    + "`arcadia drift ignore` stops watching it (policy.ignore: [status])"
            ))
        default: .failure(DriftNotAcceptable("\(field) is not a field Arcadia can take from DigitalOcean into the spec"))
        }
    }

    /// `spec` with `field` set to `value` (the applied record's side of an accept).
    public static func applying(_ value: SpecValue, to field: String, in spec: DropletSpec) -> DropletSpec {
        var spec = spec
        switch (field, value) {
        case ("size", .string(let text)): spec.size = text
        case ("image", .string(let text)): spec.image = text
        case ("region", .string(let text)): spec.region = text
        case ("tags", .strings(let items)): spec.tags = items
        case ("monitoring", .bool(let flag)): spec.monitoring = flag
        case ("ipv6", .bool(let flag)): spec.ipv6 = flag
        case ("backups", .bool(let flag)): spec.backups = flag
        default: break
        }
        return spec
    }
}

/// Why a drift cannot be accepted into the spec.
public struct DriftNotAcceptable: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
