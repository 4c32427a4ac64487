import ArcadiaSpecs

/// What DigitalOcean offers, as plain values: checked against the specs before a plan is applied,
/// so a misspelt size fails `plan` with its position instead of a saga at `apply`.
public struct ProviderCatalogue: Sendable, Hashable, Codable {
    /// Region slug → whether new droplets can be created there.
    public var regions: [String: Bool]
    /// A size on offer: where, and with how large a disk.
    public struct SizeOffer: Sendable, Hashable, Codable {
        public var regions: Set<String>
        /// GB.
        public var disk: Int

        public init(regions: Set<String>, disk: Int) {
            self.regions = regions
            self.disk = disk
        }
    }

    /// Size slug → where it is offered and its disk.
    public var sizes: [String: SizeOffer]
    /// Image slugs (distribution, application and the account's own).
    public var images: Set<String>
    /// Region slug → its name ("Sydney 1"), for suggestions.
    public var regionNames: [String: String]
    /// The account's SSH keys, by id and by lower-case fingerprint; nil when no change names one (the
    /// list then costs no request).
    public var sshKeys: Set<String>?

    public init(
        regions: [String: Bool], sizes: [String: SizeOffer], images: Set<String>,
        regionNames: [String: String] = [:], sshKeys: Set<String>? = nil
    ) {
        self.regions = regions
        self.sizes = sizes
        self.images = images
        self.regionNames = regionNames
        self.sshKeys = sshKeys
    }

    /// Drops drift reverts DigitalOcean would refuse (a resize below a disk that grew): the drift stays
    /// recorded and reported, with a warning saying how to settle it, and the rest of the plan goes ahead.
    /// A resize the operator asked for is not dropped: ``problems(for:live:)`` reports it as an error.
    public func withoutImpossibleReverts(_ diff: Differ.Result, live: [LiveResource]) -> Differ.Result {
        let disks = Self.disks(live)
        var result = diff
        result.changes = diff.changes.compactMap { change in
            guard change.kind == .droplet, let revert = change.fields.first(where: { $0.field == "size" && $0.isDriftRevert }),
                  let target = revert.to, let offer = sizes[target],
                  let id = change.resourceID, let disk = disks[id], offer.disk < disk
            else { return change }
            result.warnings.append(Diagnostic(
                code: "drift_needs_larger_disk", severity: .warning, kind: change.kind.rawValue, name: change.name,
                location: change.desired?.location(of: "size"),
                message: "droplet '\(change.name)': size drifted to \(revert.from ?? "?") with a \(disk) GB disk, which cannot shrink back to "
                    + "\(target) (\(offer.disk) GB); set size to \(revert.from ?? "a larger size") in the spec to accept it"
            ))
            for index in result.drift.indices
            where result.drift[index].kind == change.kind && result.drift[index].name == change.name && result.drift[index].field == "size" {
                result.drift[index].isRevertPlanned = false
            }
            var kept = change
            kept.fields.removeAll { $0 == revert }
            return kept.fields.isEmpty ? nil : kept
        }
        return result
    }

    /// Whether any of these changes creates a droplet naming SSH keys by id or fingerprint, which must
    /// be in the account (keys named by their SSHKey spec are Arcadia's own).
    public static func needsSSHKeys(for changes: [Change]) -> Bool {
        changes.contains { change in
            guard change.kind == .droplet, change.action == .create || change.action == .replace, let resource = change.desired else { return false }
            return resource.spec.strings("sshKeys").contains(where: isKeyLiteral)
        }
    }

    /// A key named as DigitalOcean knows it, by numeric id or MD5 fingerprint, not by an SSHKey spec's name.
    public static func isKeyLiteral(_ key: String) -> Bool {
        key.range(of: "\\A([0-9]+|([0-9a-fA-F]{2}:){15}[0-9a-fA-F]{2})\\z", options: .regularExpression) != nil
    }

    /// Whether any of these changes depends on the catalogue.
    public static func isNeeded(for changes: [Change]) -> Bool {
        changes.contains { change in
            change.desired?.spec.string("region") != nil
                && (change.action == .create || change.action == .replace || change.fields.contains { $0.field == "size" && !$0.isAlreadyLive })
        }
    }

    private static func disks(_ live: [LiveResource]) -> [String: Int] {
        Dictionary(live.filter { $0.kind == .droplet }.compactMap { droplet in droplet["disk"]?.number.map { (droplet.id, $0) } },
                   uniquingKeysWith: { first, _ in first })
    }

    /// One message per slug the changes need that DigitalOcean does not offer, with where it is written,
    /// and per resize DigitalOcean would refuse because the droplet's disk is larger than the new size's.
    public func problems(for changes: [Change], live: [LiveResource] = []) -> [Diagnostic] {
        let disks = Self.disks(live)
        var problems: [Diagnostic] = []
        for change in changes {
            guard let resource = change.desired, let region = resource.spec.string("region") else { continue }
            let noun = resource.kind.noun
            func problem(_ code: String, _ field: String, _ message: String) {
                problems.append(.error(code, resource, at: resource.location(of: field), message))
            }
            let creates = change.action == .create || change.action == .replace
            if creates {
                if let available = regions[region] {
                    if !available {
                        problem("region_closed", "region", "region '\(region)' takes no new \(noun)s; choose another region")
                    }
                } else {
                    problem("unknown_region", "region", "region '\(region)' does not exist at DigitalOcean\(regionHint(region))")
                }
            }
            guard resource.kind == .droplet, let size = resource.spec.string("size"), let image = resource.spec.string("image") else { continue }
            if creates {
                if let known = sshKeys {
                    for (index, key) in resource.spec.strings("sshKeys").enumerated() where Self.isKeyLiteral(key) && !known.contains(key.lowercased()) {
                        problems.append(.error(
                            "unknown_ssh_key", resource, at: resource.location(of: "sshKeys[\(index)]"),
                            "SSH key '\(key)' is not in this DigitalOcean account; add it first (control panel, or "
                                + "`doctl compute ssh-key import`), or name one of the account's keys by id or fingerprint"
                        ))
                    }
                }
                if !image.allSatisfy(\.isNumber) && !images.contains(image) {
                    problem("unknown_image", "image", "image '\(image)' is not a DigitalOcean image or one of this account's\(hint(image, images))")
                }
            }
            if creates || change.fields.contains(where: { $0.field == "size" && !$0.isAlreadyLive }) {
                if let offer = sizes[size] {
                    if regions[region] == true && !offer.regions.contains(region) {
                        problem("size_not_in_region", "size", "size '\(size)' is not offered in region '\(region)'")
                    }
                    if !creates, let id = change.resourceID, let disk = disks[id], offer.disk < disk {
                        problem(
                            "disk_cannot_shrink", "size",
                            "droplet '\(resource.name)' has a \(disk) GB disk and disks never shrink, "
                                + "so it cannot be resized to '\(size)' (\(offer.disk) GB); choose a size with at least \(disk) GB of disk"
                        )
                    }
                } else {
                    problem("unknown_size", "size", "size '\(size)' does not exist at DigitalOcean\(hint(size, sizes.keys))")
                }
            }
        }
        return problems
    }

    /// Regions are suggested by slug prefix ("syd" → syd1), by name ("sydney", "new york" → nyc1, nyc3)
    /// and, failing those, by spelling; only regions that take new droplets.
    private func regionHint(_ value: String) -> String {
        let wanted = value.lowercased().replacingOccurrences(of: "-", with: " ")
        let letters = String(wanted.prefix { $0.isLetter })
        let open = regions.filter(\.value).keys.sorted()
        let matches = open.filter { slug in
            let name = (regionNames[slug] ?? "").lowercased()
            let slugLetters = String(slug.prefix { $0.isLetter })
            return slug.hasPrefix(wanted) || (!wanted.isEmpty && name.hasPrefix(wanted))
                || (letters.count >= 3 && (slugLetters.hasPrefix(letters) || letters.hasPrefix(slugLetters)) && slugLetters.count >= 3)
        }
        switch matches.count {
        case 0: return hint(value, regions.keys)
        case 1: return "; did you mean '\(matches[0])'?"
        default: return "; did you mean one of \(matches.map { "'\($0)'" }.joined(separator: ", "))?"
        }
    }

    private func hint(_ value: String, _ candidates: some Collection<String>) -> String {
        closestMatch(to: value, in: Array(candidates)).map { "; did you mean '\($0)'?" } ?? ""
    }
}
