import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Yams

/// The `Domain` kind: a DNS zone at DigitalOcean and the records its spec lists. The domain's name is
/// its id; it carries no tags, so it is Arcadia's by its record alone. Records are matched by type,
/// name and data (``DomainRecordDiff``), and each record change is a step of its own.
public struct DomainKind: ResourceKindModule {
    public let kind = ResourceKind.domain
    public var fieldNames: [String] { DomainSpecParser.fieldNames }
    public var policyFieldNames: [String] { ResourcePolicy.commonFieldNames + ["pruneRecords"] }
    public var isTagged: Bool { false }

    /// Where a live domain's records are kept: not under `records`, so `drift accept` never writes
    /// live lines where the spec's record mappings belong.
    static let liveRecords = "live-records"

    public init() {}

    // MARK: Spec

    public func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        DomainSpecParser.spec(from: node, reader: &reader)
    }

    public func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        DomainSpecParser.validateName(name, node: node, reader: &reader)
    }

    public func references(in spec: ResourceSpec) -> [SpecReference] {
        Self.entries(spec).enumerated().compactMap { index, entry in
            if let droplet = entry.droplet { return SpecReference(field: "records[\(index)]", kind: .droplet, name: droplet) }
            return entry.reservedIP.map { SpecReference(field: "records[\(index)]", kind: .reservedIP, name: $0) }
        }
    }

    static func entries(_ spec: ResourceSpec) -> [DomainRecordEntry] {
        spec.strings("records").compactMap(DomainRecordEntry.init(text:))
    }

    // MARK: Diff

    /// Records do not fit the field table (the live side depends on what the spec lists): ``diffContents`` compares them.
    public let fields: [KindField] = []

    public func summary(of spec: ResourceSpec) -> String {
        let count = spec.strings("records").count
        return "Domain, \(count) record\(count == 1 ? "" : "s")"
    }

    public func diffContents(
        _ resource: DesiredResource, record: AppliedResource, live: LiveResource, references: ReferenceIDs, revertingDrift: Bool,
        driftReverts: DriftReverts, fields: inout [FieldChange], into result: inout Differ.Result
    ) {
        let desired = Self.entries(resource.spec)
        let applied = Self.entries(record.spec)
        let diff = DomainRecordDiff(desired: desired, applied: applied, live: Self.liveEntries(live)) { entry in
            if let droplet = entry.droplet { return references.liveValue(DropletKind.publicIPv4, of: .droplet, named: droplet)?.text }
            if let reserved = entry.reservedIP { return references.id(of: .reservedIP, named: reserved) }
            return entry.data
        }.diff(prune: resource.policy.pruneRecords)
        fields += diff.operations
        if !resource.policy.ignore.contains("records") {
            for drift in diff.drift {
                let reverting = revertingDrift || driftReverts.reverts(resource, field: drift.field)
                result.drift.append(DriftFinding(
                    kind: .domain, name: resource.name, resourceID: live.id, field: drift.field, expected: drift.expected, actual: drift.actual,
                    isRevertPlanned: reverting
                ))
                if reverting {
                    var change = drift.change
                    change.isDriftRevert = true
                    fields.append(change)
                }
            }
        }
        if !diff.unlisted.isEmpty {
            let shown = diff.unlisted.map { "\($0.type) \($0.name) \(DomainRecordEntry.quoted($0.data ?? ""))" }
            result.warnings.append(Differ.warning(
                "records_not_in_spec", resource, field: "records",
                "domain '\(resource.name)': \(shown.count) record\(shown.count == 1 ? " is" : "s are") not in the spec and left alone: "
                    + shown.joined(separator: ", ") + "; list them in the spec, or set policy.pruneRecords: true to delete them"
            ))
        }
        // The spec rewrote a record without moving anything live (data written out that a droplet's address gave): the record only.
        let written = Set(desired.map(\.text))
        let had = Set(applied.map { entry in
            var entry = entry
            if entry.isReference { entry.data = nil }
            return entry.text
        })
        if fields.isEmpty, written != had {
            fields.append(FieldChange(field: "records", from: "\(had.count) as applied", to: "\(written.count) as the spec writes them", isAlreadyLive: true))
        }
    }

    /// A replaced droplet's records move to its replacement's address, in place: a replaced droplet's
    /// saga moves them before it destroys the old one (``movesWithReplacedDroplet``); a replaced
    /// reserved IP's, in a domain saga right after.
    public func follow(replaced: Set<String>, resource: DesiredResource, record: AppliedResource, live: LiveResource) -> [(move: FieldChange, follows: String)]? {
        let desired = Self.entries(resource.spec)
        var remaining = Self.liveEntries(live)
        var moves: [(move: FieldChange, follows: String)] = []
        for had in Self.entries(record.spec) {
            guard let reference = had.referenceKey, replaced.contains(reference), let key = had.key(),
                  let wanted = desired.first(where: { $0.type == had.type && $0.name == had.name && $0.referenceKey == reference }),
                  let index = remaining.firstIndex(where: { $0.key() == key })
            else { continue }
            let current = remaining.remove(at: index)
            moves.append((FieldChange(field: current.label(), from: current.text, to: wanted.text), reference))
        }
        return moves
    }

    static func liveEntries(_ live: LiveResource) -> [DomainRecordEntry] {
        (live[liveRecords]?.items ?? []).compactMap(DomainRecordEntry.init(text:))
    }

    // MARK: Sagas

    public var steps: [any Step] {
        [CreateDomain(), CreateDomainRecord(), UpdateDomainRecord(), DeleteDomainRecord(), DestroyDomain(), RegisterResource(.domain),
         ForgetResource(.domain)]
    }

    public func plan(_ change: Change) -> PlannedChange {
        func planned(_ sagaKind: String, _ steps: [any Step], irreversible: [String] = []) -> PlannedChange {
            PlannedChange(change: change, sagaKind: sagaKind, steps: steps.map(\.name), irreversible: irreversible)
        }
        let shape = DomainRecordDiff.SagaInputShape(createsDomain: change.action == .create, desired: change.desired, fields: change.fields)
        let recordSteps: [any Step] = DomainRecordDiff.operations(shape).map { operation in
            switch (operation.from, operation.to) {
            case (nil, _): CreateDomainRecord()
            case (_, nil): DeleteDomainRecord()
            default: UpdateDomainRecord()
            }
        }
        switch change.action {
        case .create:
            return planned("create", [CreateDomain()] + recordSteps + [RegisterResource(.domain)])
        case .destroy:
            guard !change.isResourceGone else { return planned("destroy", [ForgetResource(.domain)]) }
            return planned("destroy", [DestroyDomain(), ForgetResource(.domain)],
                           irreversible: ["deletes domain \(change.resourceID ?? change.name) and every record in it, listed or not"])
        case .replace, .update:
            return planned("update", recordSteps + [RecordApplied()])
        }
    }

    public func appliedSpec(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws -> ResourceSpec {
        try await DomainRecordData.appliedSpec(context, step: step, in: environment)
    }

    // MARK: Inventory

    /// One list of domains, then one list of records per domain.
    public func inventory(_ client: DigitalOceanClient) async throws -> [LiveResource] {
        let domains = try await client.listDomains()
        return try await withThrowingTaskGroup(of: LiveResource?.self) { group in
            for domain in domains {
                group.addTask {
                    do {
                        return Self.normalise(domain, records: try await client.listDomainRecords(domain.name))
                    } catch let error as DigitalOceanError where error.isNotFound {
                        return nil
                    }
                }
            }
            var found: [LiveResource] = []
            for try await resource in group { if let resource { found.append(resource) } }
            return found.sorted { $0.id < $1.id }
        }
    }

    public func live(id: String, client: DigitalOceanClient) async throws -> LiveResource? {
        do {
            return Self.normalise(try await client.getDomain(id), records: try await client.listDomainRecords(id))
        } catch let error as DigitalOceanError where error.isNotFound {
            return nil
        }
    }

    public static func normalise(_ domain: Domain, records: [DomainRecord]) -> LiveResource {
        LiveResource(
            kind: .domain, id: domain.name, name: domain.name,
            values: [liveRecords: .strings(records.map { DomainRecordEntry(live: $0).text })], isManaged: true
        )
    }
}
