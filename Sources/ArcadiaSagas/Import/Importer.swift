import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import Foundation

/// `arcadia import`: brings live resources Arcadia does not manage under management. ``prepare`` reads
/// DigitalOcean and the state and builds every spec file, checking names, references and the files
/// together, and changes nothing; ``commit`` writes the files, tags droplets and volumes
/// `managed-by-arcadia`, and records each resource as applied, so a plan right after finds nothing to do.
public struct Importer: Sendable {
    public var client: DigitalOceanClient
    public var store: Store

    public init(client: DigitalOceanClient, store: Store) {
        self.client = client
        self.store = store
    }

    /// What to import and where.
    public struct Request: Sendable {
        public var kinds: [ResourceKind]
        /// One resource by its DigitalOcean name (or, for a reserved IP, its address); nil for all.
        public var name: String?
        public var specsFolder: String
        public var outFolder: String
        public var date: Date

        public init(kinds: [ResourceKind], name: String?, specsFolder: String, outFolder: String, date: Date = Date()) {
            self.kinds = kinds
            self.name = name
            self.specsFolder = specsFolder
            self.outFolder = outFolder
            self.date = date
        }
    }

    /// One spec file to write, and the resource it stands for.
    public struct File: Sendable, Hashable {
        public var resource: DesiredResource
        public var resourceID: String
        public var path: String
        public var text: String
        /// The spec as Arcadia records it applied: a domain's records that name a droplet or a reserved
        /// IP keep the address they took, as a domain saga records them.
        public var applied: ResourceSpec
    }

    /// The spec with each domain record that names a droplet or a reserved IP given the address it
    /// points at now: what the next replace of that droplet finds the live record by.
    static func applied(_ resource: DesiredResource, _ addressed: [String: DomainRecordTarget]) -> ResourceSpec {
        guard resource.kind == .domain else { return resource.spec }
        let addresses = Dictionary(addressed.map { ($0.value.referenceKey, $0.key) }, uniquingKeysWith: { first, _ in first })
        var spec = resource.spec
        spec["records"] = .strings(resource.spec.strings("records").map { line in
            guard var entry = DomainRecordEntry(text: line), let reference = entry.referenceKey else { return line }
            entry.data = addresses[reference]
            return entry.text
        })
        return spec
    }

    public struct Preparation: Sendable {
        public var files: [File]
        /// Resources left out, each with why: another Arcadia state's, or already this state's.
        public var notes: [String]
    }

    /// Why nothing was imported: every problem found, before anything was written.
    public struct Refused: Error, CustomStringConvertible {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
    }

    /// Builds every file and checks it; writes and records nothing.
    public func prepare(_ request: Request) async throws -> Preparation {
        let records = try await store.provisioned()
        let recorded = Set(records.map { "\($0.kind)/\($0.resourceID)" })
        let recordedNames = Set(records.map { "\($0.kind)/\($0.name)" })
        var listed = Set(request.kinds)
        if !listed.isDisjoint(with: [.volume, .reservedIP, .firewall, .domain]) { listed.insert(.droplet) }
        var inventory: [ResourceKind: [LiveResource]] = [:]
        for kind in ResourceKind.allCases where listed.contains(kind) {
            inventory[kind] = try await Kinds.module(for: kind).inventory(client)
        }

        var problems: [String] = []
        var notes: [String] = []
        var chosen: [(live: LiveResource, name: String)] = []
        for kind in request.kinds {
            for live in inventory[kind] ?? [] {
                let name = Self.specName(live)
                if let wanted = request.name, wanted != live.name && wanted != name && wanted != live.id { continue }
                if recorded.contains("\(kind.rawValue)/\(live.id)") {
                    let note = "\(kind.noun) \(live.id) ('\(live.name)') is already managed by this state; left as it is"
                    if request.name != nil { problems.append(note) } else { notes.append(note) }
                } else if Kinds.module(for: kind).isTagged && live.isManaged {
                    let refusal = "\(kind.noun) \(live.id) ('\(live.name)') carries \(Ownership.managedTag) but this state has no record of it: "
                        + "another Arcadia state manages it, and import never takes it; import it from that state, or remove the tag there first"
                    if request.name != nil { problems.append(refusal) } else { notes.append("refused: " + refusal) }
                } else {
                    chosen.append((live, name))
                }
            }
        }
        if let wanted = request.name, chosen.isEmpty && problems.isEmpty {
            problems.append("no live \(request.kinds.count == 1 ? request.kinds[0].noun : "resource") named '\(wanted)' at DigitalOcean")
        }
        guard problems.isEmpty else { throw Refused(problems: problems) }

        let existing = try Self.specDocuments(in: request.specsFolder)
        let existingResources = (try? SpecLoader.parse(documents: existing, kinds: Kinds.specs, resolvingReferences: false)) ?? []
        let existingNames = Set(existingResources.map(\.key))
        var taken = Set<String>()
        for (live, name) in chosen {
            let key = "\(live.kind.rawValue)/\(name)"
            if existingNames.contains(key) || recordedNames.contains(key) {
                problems.append("\(key) already exists (a spec in \(request.specsFolder) or this state's record): \(live.kind.noun) \(live.id) "
                    + "cannot be imported under that name; rename one of them, or import the others with --name")
            } else if !taken.insert(key).inserted {
                problems.append("two \(live.kind.noun)s at DigitalOcean are named '\(live.name)': rename one there before importing it")
            }
        }
        guard problems.isEmpty else { throw Refused(problems: problems) }

        var dropletNames = Dictionary(records.filter { $0.kind == ResourceKind.droplet.rawValue }.map { ($0.resourceID, $0.name) }, uniquingKeysWith: { a, _ in a })
        for (live, name) in chosen where live.kind == .droplet { dropletNames[live.id] = name }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let otherStates = Set((inventory[.droplet] ?? []).filter { $0.isManaged && !recorded.contains("Droplet/\($0.id)") }.map(\.id))
        // An A record at the address of a droplet or reserved IP managed here or imported now names it, so it follows a replace.
        var addressed: [String: DomainRecordTarget] = [:]
        for droplet in inventory[.droplet] ?? [] {
            if let name = dropletNames[droplet.id], let address = droplet[DropletKind.publicIPv4]?.text { addressed[address] = .droplet(name) }
        }
        for record in records where record.kind == ResourceKind.reservedIP.rawValue { addressed[record.resourceID] = .reservedIP(record.name) }
        for (live, name) in chosen where live.kind == .reservedIP { addressed[live.id] = .reservedIP(name) }
        let writer = ImportSpecText(
            dropletNames: dropletNames, otherStatesDroplets: otherStates, recordTargets: addressed, date: formatter.string(from: request.date)
        )
        var texts: [(live: LiveResource, path: String, text: String)] = []
        var paths = Set<String>()
        for (live, name) in chosen {
            do {
                let text = try writer.text(live, name: name)
                let path = Self.filePath(for: live.kind, name: name, in: request.outFolder, taken: paths)
                paths.insert(path)
                if FileManager.default.fileExists(atPath: path) {
                    problems.append("\(path) exists already: \(live.kind.noun) \(live.id) would overwrite it; move it, or import into another --out")
                }
                texts.append((live, path, text))
            } catch let refusal as ImportSpecText.Refusal {
                problems.append(refusal.description)
            }
        }
        guard problems.isEmpty else { throw Refused(problems: problems) }
        let parsed = try Self.check(texts.map { ($0.path, $0.text) }, beside: existing)
        let files = texts.compactMap { entry in
            parsed[entry.path].map { resource in
                File(resource: resource, resourceID: entry.live.id, path: entry.path, text: entry.text, applied: Self.applied(resource, addressed))
            }
        }
        return Preparation(files: files, notes: notes)
    }

    /// Writes the files, tags droplets and volumes `managed-by-arcadia`, and records each as applied,
    /// the records in one transaction. A failure after the first file is written removes the files this
    /// import wrote and takes the tag off again (best effort: a tag alone manages nothing, but the next
    /// import would refuse what carries it).
    public func commit(_ preparation: Preparation, outFolder: String) async throws {
        try FileManager.default.createDirectory(atPath: outFolder, withIntermediateDirectories: true)
        var written: [String] = []
        var tagged: (droplets: [Int], volumes: [String])?
        do {
            for file in preparation.files {
                guard FileManager.default.createFile(atPath: file.path, contents: Data(file.text.utf8)) else {
                    throw Refused(problems: ["could not write \(file.path)"])
                }
                written.append(file.path)
            }
            let droplets = preparation.files.filter { $0.resource.kind == .droplet }.compactMap { Int($0.resourceID) }
            let volumes = preparation.files.filter { $0.resource.kind == .volume }.map(\.resourceID)
            if !droplets.isEmpty || !volumes.isEmpty {
                let tag = try await client.createTag(name: Ownership.managedTag)
                try await client.tagResources(tag: tag, droplets: droplets, volumes: volumes)
                tagged = (droplets, volumes)
            }
            try await store.recordImported(try preparation.files.map { file in
                let resource = file.resource
                return Store.ImportedResource(
                    kind: resource.kind.rawValue, name: resource.name, resourceID: file.resourceID,
                    spec: try CanonicalJSON.string(AppliedDocument(spec: file.applied, policy: resource.policy)),
                    detail: "\(resource.kind.noun) \(file.resourceID) imported to \(file.path)"
                )
            })
        } catch {
            for path in written { try? FileManager.default.removeItem(atPath: path) }
            // Untagged again, or the next import would take them for another state's.
            if let tagged { try? await client.untagResources(tag: Ownership.managedTag, droplets: tagged.droplets, volumes: tagged.volumes) }
            throw error
        }
    }
}
