import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import Foundation

/// Syncs inventory, runs the three-way diff, and keeps the drift inbox in step with what it found.
public struct Reconciler: Sendable {
    public let client: DigitalOceanClient
    public let store: Store

    public init(client: DigitalOceanClient, store: Store) {
        self.client = client
        self.store = store
    }

    /// Makes a plan for `desired`. Records drift: new findings open a record, open records no longer
    /// found become `stale`.
    /// - Parameter specsFolder: where `desired` was loaded from; with `allowEmpty` false, a plan from no
    ///   specs that would destroy everything this state applied is refused.
    /// - Parameter targets: when given, the plan holds only these resources' changes (`--target`).
    /// - Parameter revertingDrift: resources whose drift this plan reverts whatever their policy says.
    /// - Parameter driftReverts: which other drift it reverts: all it can (`apply`), or by policy (the controller).
    ///
    /// Acceptances the controller recorded without writing the spec file count as written, until the
    /// file says so too (or something else); then they are settled.
    public func plan(
        desired specs: [DesiredResource], specsFolder: String = "specs", allowEmpty: Bool = false, targets: Set<ResourceTarget> = [],
        revertingDrift: Set<ResourceTarget> = [], driftReverts: DriftReverts = .always
    ) async throws -> Plan {
        let (desired, settled) = PendingAcceptances.overlay(specs, with: try await store.pendingAcceptances())
        if !settled.isEmpty { try await store.settleAcceptances(driftIDs: settled) }
        let applied = try await appliedResources()
        let unfinished = try await store.unfinishedSagas().map {
            UnfinishedSaga(id: $0.id, kind: $0.kind, status: $0.status.rawValue, resourceKind: $0.resourceKind, resourceName: $0.resourceName)
        }
        let listed = Self.kindsToList(named: Set(
            desired.map(\.kind) + applied.map(\.kind) + unfinished.compactMap { ResourceKind(rawValue: $0.resourceKind) }
                + (try await store.kindsWithManagedResources()).compactMap(ResourceKind.init(rawValue:))
        ))
        let live = try await InventorySync(client: client, store: store, kinds: listed).sync()
        var diff = Differ.diff(
            desired: desired, applied: applied, live: live, kinds: Kinds.book, unfinishedSagas: unfinished, revertingDrift: revertingDrift,
            driftReverts: driftReverts
        ).limited(to: targets, known: desired.map { ($0.kind, $0.name) } + applied.map { ($0.kind, $0.name) })
        var problems: [Diagnostic] = []
        if ProviderCatalogue.isNeeded(for: diff.changes) {
            var sshKeys: Set<String>?
            if ProviderCatalogue.needsSSHKeys(for: diff.changes) {
                // Listed with the inventory when SSHKey is in play; else one list now, for this check.
                let keys = listed.contains { $0.kind == .sshKey }
                    ? live : try await InventorySync(client: client, store: store, kinds: [Kinds.module(for: .sshKey)]).sync()
                sshKeys = Set(keys.filter { $0.kind == .sshKey }.flatMap { [$0.id, $0["fingerprint"]?.text?.lowercased() ?? ""] })
            }
            var (catalogue, isFresh) = try await cachedCatalogue()
            catalogue.sshKeys = sshKeys
            if !isFresh && !catalogue.problems(for: diff.changes, live: live).isEmpty {
                // What the cache refuses may be new at DigitalOcean: ask it before saying so.
                catalogue = try await freshCatalogue()
                catalogue.sshKeys = sshKeys
            }
            diff = catalogue.withoutImpossibleReverts(diff, live: live)
            problems = catalogue.problems(for: diff.changes, live: live)
        }
        var plan = Planner.plan(
            diff, kinds: Kinds.book, fingerprint: Fingerprint.make(
                desired: desired, applied: applied, live: live, unfinished: unfinished, targets: targets.map(\.description)
            ),
            appliedCount: applied.count, emptySpecs: desired.isEmpty && !allowEmpty ? specsFolder : nil
        )
        plan.errors += problems
        plan.targets = targets.map(\.description).sorted()
        try await recordDrift(plan.drift, acceptedInSpec: diff.acceptedInSpec)
        return plan
    }

    /// The kinds a plan lists: droplets always (their unmanaged count is in every plan), any other kind
    /// only when a spec, the state, an unfinished saga or the last sync's managed resources name it
    /// (the last, so that one destroyed is seen gone once). An account's keys are listed for a droplet
    /// create that names one by id or fingerprint, and only then. An account that uses no firewalls
    /// spends no request on them; 10,000 droplets in sync cost their 50 pages and nothing else.
    static func kindsToList(named: Set<ResourceKind>) -> [any ResourceKindModule] {
        Kinds.all.filter { $0.kind == .droplet || named.contains($0.kind) }
    }

    /// How long a cached catalogue is trusted. Regions, sizes and images change rarely; a slug the
    /// cache lacks is asked for again at once, whatever its age.
    public static let catalogueLifetime: TimeInterval = 3_600

    /// The catalogue saved in the state if it is younger than ``catalogueLifetime`` (`isFresh` false),
    /// else one just read and saved (`isFresh` true).
    public func cachedCatalogue(now: Date = Date()) async throws -> (catalogue: ProviderCatalogue, isFresh: Bool) {
        if let cached = try await store.cachedCatalogue(), now.timeIntervalSince(cached.fetchedAt) < Self.catalogueLifetime,
           let catalogue = try? JSONDecoder().decode(ProviderCatalogue.self, from: cached.catalogue) {
            return (catalogue, false)
        }
        return (try await freshCatalogue(), true)
    }

    /// Reads the catalogue from DigitalOcean and saves it in the state with the time it was read.
    public func freshCatalogue() async throws -> ProviderCatalogue {
        let fetchedAt = Date()
        let catalogue = try await catalogue()
        try await store.cacheCatalogue(try JSONEncoder().encode(catalogue), fetchedAt: fetchedAt)
        return catalogue
    }

    /// Regions, sizes and images: three list calls.
    private func catalogue() async throws -> ProviderCatalogue {
        async let regions = client.listRegions()
        async let sizes = client.listSizes()
        async let images = client.listImages()
        let regionList = try await regions
        return ProviderCatalogue(
            regions: Dictionary(regionList.map { ($0.slug, $0.available) }, uniquingKeysWith: { $0 || $1 }),
            sizes: Dictionary(
                try await sizes.filter(\.available).map { ($0.slug, ProviderCatalogue.SizeOffer(regions: Set($0.regions), disk: $0.disk)) },
                uniquingKeysWith: { first, _ in first }
            ),
            images: Set(try await images.compactMap(\.slug)),
            regionNames: Dictionary(regionList.map { ($0.slug, $0.name) }, uniquingKeysWith: { first, _ in first })
        )
    }

    /// What Arcadia applied, of every kind.
    public func appliedResources() async throws -> [AppliedResource] {
        try await store.provisioned().compactMap { record in
            guard let kind = ResourceKind(rawValue: record.kind) else { return nil }
            let document = try CanonicalJSON.decode(AppliedDocument.self, from: record.spec)
            return AppliedResource(
                kind: kind, name: record.name, resourceID: record.resourceID, spec: document.spec,
                policy: document.policy, specVersion: record.specVersion
            )
        }
    }

    /// Opens records for new findings and closes the open ones no longer found: `accepted` when the spec
    /// now says the live value the record found (drift accepted by hand), `stale` otherwise. Then notes
    /// when drift was last checked, for `arcadia drift list`.
    private func recordDrift(_ findings: [DriftFinding], acceptedInSpec: [DriftFinding]) async throws {
        let openRecords = try await store.drift(status: .open)
        let open = Set(openRecords.map { "\($0.kind)/\($0.name)/\($0.field)" })
        let new = findings.filter { !open.contains("\($0.kind.rawValue)/\($0.name)/\($0.field)") }
        let causes = new.isEmpty ? [:] : await DriftCauseFinder.causes(of: new, client: client, store: store)
        for finding in findings {
            let key = "\(finding.kind.rawValue)/\(finding.name)/\(finding.field)"
            try await store.openDrift(
                kind: finding.kind.rawValue, name: finding.name, resourceID: finding.resourceID,
                field: finding.field, expected: finding.expected, actual: finding.actual, cause: causes[key]
            )
        }
        let current = Set(findings.map { "\($0.kind.rawValue)/\($0.name)/\($0.field)" })
        let accepted = Dictionary(
            acceptedInSpec.map { ("\($0.kind.rawValue)/\($0.name)/\($0.field)", $0.actual) }, uniquingKeysWith: { first, _ in first }
        )
        // Records opened just now are among the findings; only those open before can have gone stale.
        for record in openRecords {
            let key = "\(record.kind)/\(record.name)/\(record.field)"
            guard !current.contains(key) else { continue }
            let status: DriftRecord.Status = accepted[key] == record.actual ? .accepted : .stale
            try await store.resolveDrift(kind: record.kind, name: record.name, field: record.field, as: status)
        }
        try await store.recordDriftCheck()
    }
}
