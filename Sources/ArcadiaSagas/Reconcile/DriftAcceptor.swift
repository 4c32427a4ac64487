import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import Foundation

/// `arcadia drift accept` and `ignore`: the spec file takes the live value (or the field joins
/// `policy.ignore`), edited in place so only that value changes; then the record closes and Arcadia's
/// applied record follows, its `spec_version` bumped.
public struct DriftAcceptor: Sendable {
    public let client: DigitalOceanClient
    public let store: Store

    public init(client: DigitalOceanClient, store: Store) {
        self.client = client
        self.store = store
    }

    /// One spec file edited: where, and its text before and after.
    public struct Edit: Sendable {
        public var record: DriftRecord
        public var file: String
        public var before: String
        public var after: String
        /// The edit as a unified diff, naming the file as `path` (the file itself by default).
        public func patch(path: String? = nil) -> String {
            UnifiedDiff.make(path: path ?? file, before: before, after: after)
        }
    }

    /// Where an edit goes: into the spec file, or only into the state (the controller's git checkout
    /// without `--git-push`: the acceptance stands until the spec file says it too).
    public enum Writing: Sendable {
        case file
        /// Recorded as a ``PendingAcceptance``; `patchPath` names the spec file in its patch (e.g.
        /// relative to the top of a git work tree).
        case stateOnly(patchPath: @Sendable (String) -> String)

        public var isStateOnly: Bool {
            if case .stateOnly = self { return true }
            return false
        }
    }

    /// Takes the live value into the spec. Refuses (``DriftNotAcceptable``) a field the spec cannot say,
    /// and a live value that moved again since the record was made (a refresh is then due). The spec
    /// file is read now, so an edit made since detection (a pull) is kept.
    /// - Parameter beforeWriting: called with the spec file's path before it is written (the CLI refuses
    ///   `--commit` there when the file has uncommitted changes of its own).
    public func accept(
        _ record: DriftRecord, specs: String, writing: Writing = .file, beforeWriting: (String) throws -> Void = { _ in }
    ) async throws -> Edit {
        guard let kind = ResourceKind(rawValue: record.kind) else { throw DriftNotAcceptable("drift \(record.id) is of an unknown kind '\(record.kind)'") }
        try await Self.requireStillOpen(record, in: store)
        let module = Kinds.module(for: kind)
        guard let live = try await module.live(id: record.resourceID, client: client) else {
            throw DriftNotAcceptable("\(record.kind)/\(record.name) (\(record.resourceID)) no longer exists at DigitalOcean; run `arcadia plan`")
        }
        let value = try Self.specValue(of: record.field, in: live, module: module)
        // specValue refused the live-only fields (a droplet's power): what is left is in the field table.
        let now = module.field(named: record.field)?.live?(live)
        guard now == record.actual else {
            throw DriftNotAcceptable(
                "\(record.kind)/\(record.name) \(record.field) changed again since drift \(record.id) was recorded (now \(now ?? "unknown"), "
                    + "recorded \(record.actual)); run `arcadia drift list --refresh` and look again"
            )
        }
        let references = ReferenceIDs(try await Reconciler(client: client, store: store).appliedResources())
        let settled = try await store.pendingAcceptances().contains { $0.kind == record.kind && $0.name == record.name && $0.field == record.field }
        let edited = try edit(record, specs: specs, writing: writing, beforeWriting: beforeWriting, checking: { resource in
            // Someone changed the field in the spec since the drift was found: their edit stands.
            guard !settled, let says = module.field(named: record.field)?.desired(resource.spec, references), says != record.expected else { return }
            throw DriftNotAcceptable(
                "\(record.kind)/\(record.name) \(record.field) was changed in \(resource.source.path) since drift \(record.id) was recorded "
                    + "(the spec now says \(says), the record expected \(record.expected)); nothing was written: plan and apply the spec, or look again"
            )
        }) { text in
            try SpecFileEditor.setting(["spec", record.field], to: value, in: text)
        }
        let pending = try pendingAcceptance(record, .accept, value: value, edit: edited, writing: writing)
        try await close(record, as: .accepted, pending: pending) { document in
            var spec = document.spec
            spec[record.field] = value
            return AppliedDocument(spec: spec, policy: document.policy)
        }
        return edited.edit
    }

    /// Adds the field to the spec's `policy.ignore`: it is no longer diffed.
    public func ignore(
        _ record: DriftRecord, specs: String, writing: Writing = .file, beforeWriting: (String) throws -> Void = { _ in }
    ) async throws -> Edit {
        guard let kind = ResourceKind(rawValue: record.kind), Kinds.module(for: kind).ignorableFields.contains(record.field) else {
            throw DriftNotAcceptable("\(record.field) cannot be named in policy.ignore")
        }
        try await Self.requireStillOpen(record, in: store)
        let edited = try edit(record, specs: specs, writing: writing, beforeWriting: beforeWriting) { text in
            try SpecFileEditor.appending(record.field, toListAt: ["policy", "ignore"], in: text)
        }
        let pending = try pendingAcceptance(record, .ignore, value: nil, edit: edited, writing: writing)
        try await close(record, as: .ignored, pending: pending) { document in
            var policy = document.policy
            if !policy.ignore.contains(record.field) { policy.ignore.append(record.field) }
            return AppliedDocument(spec: document.spec, policy: policy)
        }
        return edited.edit
    }

    /// Reads the resource's spec file, edits it, checks that the result still loads as the same
    /// resource, and writes it (atomically) unless the edit goes to the state only. Returns the edit and
    /// the resource as the file said it before.
    private func edit(
        _ record: DriftRecord, specs: String, writing: Writing, beforeWriting: (String) throws -> Void,
        checking check: (DesiredResource) throws -> Void = { _ in }, _ change: (String) throws -> String
    ) throws -> (edit: Edit, resource: DesiredResource) {
        let resources: [DesiredResource]
        do {
            resources = try SpecLoader.load(directory: specs)
        } catch let error as SpecLoadError {
            throw DriftNotAcceptable("the specs under \(specs) do not load (\(error.diagnostics.count) problems; `arcadia validate`), so no file was edited")
        }
        guard let resource = resources.first(where: { $0.kind.rawValue == record.kind && $0.name == record.name }) else {
            throw DriftNotAcceptable("\(record.kind)/\(record.name) is not in the specs under \(specs)")
        }
        try check(resource)
        let file = resource.source.path
        let before = try String(contentsOfFile: file, encoding: .utf8)
        let after: String
        do {
            after = try change(before)
        } catch let error as SpecEditError {
            throw DriftNotAcceptable("\(file): \(error.description)")
        }
        do {
            let reloaded = try SpecLoader.parse(documents: [(file, after)], kinds: Kinds.specs, resolvingReferences: false)
            guard reloaded.first?.name == record.name else { throw DriftNotAcceptable("\(file): the edit changed the resource's name") }
        } catch let error as SpecLoadError {
            throw DriftNotAcceptable("\(file): the edited file would not load (\(error.diagnostics.map(\.description).joined(separator: "; "))); it was not written")
        }
        if after != before, case .file = writing {
            try beforeWriting(file)
            try SpecFileWriter.replaceContents(of: file, with: after)
        }
        return (Edit(record: record, file: file, before: before, after: after), resource)
    }

    /// Refuses, before any file is touched, a record closed since the caller read it (the caller holds
    /// the apply lock, so this reading stands until the close) and one whose resource a saga is still
    /// working on (a revert under way: accepting now would write what the revert is undoing).
    /// Throws ``DriftNotOpen`` or ``DriftResourceBusy``; the API's revert asks the same.
    public static func requireStillOpen(_ record: DriftRecord, in store: Store) async throws {
        guard let current = try await store.driftRecord(id: record.id) else { throw DriftNotOpen(id: record.id, status: nil) }
        guard current.status == .open else { throw DriftNotOpen(id: record.id, status: current.status) }
        if let saga = try await store.unfinishedSagas().first(where: { $0.resourceKind == record.kind && $0.resourceName == record.name }) {
            throw DriftResourceBusy(sagaID: saga.id, sagaKind: saga.kind, resource: "\(record.kind)/\(record.name)")
        }
    }

    /// What the spec must say for `field` to be the live value, or why it cannot say it.
    static func specValue(of field: String, in live: LiveResource, module: any ResourceKindModule) throws -> SpecValue {
        if field == DropletPower.field {
            throw DriftNotAcceptable(
                "a droplet's power state is not a spec field: a spec'd droplet is meant to run. `arcadia drift revert` powers it on; "
                    + "`arcadia drift ignore` stops watching it (policy.ignore: [status])"
            )
        }
        guard module.field(named: field)?.live != nil, let value = live[field] else {
            throw DriftNotAcceptable("\(field) is not a field Arcadia can take from DigitalOcean into the spec; edit the spec by hand, or revert the drift")
        }
        return value
    }

    /// What the state keeps of an edit it does not write to the file: the spec's value now (while the
    /// file says it, the acceptance stands), the value taken, and the patch.
    private func pendingAcceptance(
        _ record: DriftRecord, _ action: PendingAcceptance.Action, value: SpecValue?, edit: (edit: Edit, resource: DesiredResource), writing: Writing
    ) throws -> PendingAcceptance? {
        guard case .stateOnly(let patchPath) = writing else { return nil }
        return PendingAcceptance(
            kind: record.kind, name: record.name, field: record.field, action: action,
            specValue: try edit.resource.spec[record.field].map(CanonicalJSON.string), acceptedValue: try value.map(CanonicalJSON.string),
            patch: edit.edit.patch(path: patchPath(edit.edit.file)), file: edit.edit.file
        )
    }

    /// Closes the record and moves Arcadia's applied record with it, in one transaction.
    private func close(
        _ record: DriftRecord, as status: DriftRecord.Status, pending: PendingAcceptance?, _ change: (AppliedDocument) -> AppliedDocument
    ) async throws {
        let applied = try await store.provisioned(kind: record.kind).first { $0.name == record.name }
        let document = try applied.map { try CanonicalJSON.decode(AppliedDocument.self, from: $0.spec) }
        try await store.closeDrift(id: record.id, as: status, applied: try document.map { try CanonicalJSON.string(change($0)) }, pending: pending)
    }
}

/// A drift record's resource has an unfinished saga (a revert under way, an apply): it cannot be
/// accepted, ignored or reverted again until that saga ends.
public struct DriftResourceBusy: Error, CustomStringConvertible {
    public let sagaID: String
    public let sagaKind: String
    public let resource: String

    public init(sagaID: String, sagaKind: String, resource: String) {
        (self.sagaID, self.sagaKind, self.resource) = (sagaID, sagaKind, resource)
    }

    public var description: String {
        "\(resource) has an unfinished \(sagaKind) saga (\(sagaID)); wait for it to end (`arcadia sagas show \(sagaID)`), then look again"
    }
}
