import ArcadiaSpecs

/// What DigitalOcean offers, as plain values: checked against the specs before a plan is applied,
/// so a misspelt size fails `plan` with its position instead of a saga at `apply`.
public struct ProviderCatalogue: Sendable, Hashable {
    /// Region slug → whether new droplets can be created there.
    public var regions: [String: Bool]
    /// Size slug → regions that offer it.
    public var sizes: [String: Set<String>]
    /// Image slugs (distribution, application and the account's own).
    public var images: Set<String>

    public init(regions: [String: Bool], sizes: [String: Set<String>], images: Set<String>) {
        self.regions = regions
        self.sizes = sizes
        self.images = images
    }

    /// Whether any of these changes depends on the catalogue.
    public static func isNeeded(for changes: [Change]) -> Bool {
        changes.contains { $0.action == .create || $0.action == .replace || $0.fields.contains { $0.field == "size" } }
    }

    /// One message per slug the changes need that DigitalOcean does not offer, with where it is written.
    public func problems(for changes: [Change]) -> [String] {
        var problems: [String] = []
        for change in changes {
            guard let resource = change.desired, case .droplet(let spec) = resource.spec else { continue }
            let creates = change.action == .create || change.action == .replace
            if creates {
                if let available = regions[spec.region] {
                    if !available {
                        problems.append("\(resource.location(of: "region")): region '\(spec.region)' takes no new droplets; choose another region")
                    }
                } else {
                    problems.append("\(resource.location(of: "region")): region '\(spec.region)' does not exist at DigitalOcean\(hint(spec.region, regions.keys))")
                }
                if !spec.image.allSatisfy(\.isNumber) && !images.contains(spec.image) {
                    problems.append(
                        "\(resource.location(of: "image")): image '\(spec.image)' is not a DigitalOcean image or one of this account's\(hint(spec.image, images))"
                    )
                }
            }
            if creates || change.fields.contains(where: { $0.field == "size" }) {
                if let offered = sizes[spec.size] {
                    if regions[spec.region] == true && !offered.contains(spec.region) {
                        problems.append("\(resource.location(of: "size")): size '\(spec.size)' is not offered in region '\(spec.region)'")
                    }
                } else {
                    problems.append("\(resource.location(of: "size")): size '\(spec.size)' does not exist at DigitalOcean\(hint(spec.size, sizes.keys))")
                }
            }
        }
        return problems
    }

    private func hint(_ value: String, _ candidates: some Collection<String>) -> String {
        closestMatch(to: value, in: Array(candidates)).map { "; did you mean '\($0)'?" } ?? ""
    }
}
