import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// The record one step of a domain saga works on. Steps are names without arguments, so the saga's
/// input says it: ``DomainRecordDiff/operations(_:)`` lists the record operations in the order the
/// plan laid out their steps, and the step at position `p` takes operation `p - leading` (one step,
/// CreateDomain, leads a create saga). The list is computed from the persisted input alone, so a
/// resumed step finds the same record.
struct DomainRecordOperation {
    var position: Int
    /// The live record as the plan found it (with its id); nil for a create.
    var from: DomainRecordEntry?
    /// The record as the spec wants it; nil for a delete.
    var to: DomainRecordEntry?

    static func shape(of input: SagaInput) -> DomainRecordDiff.SagaInputShape {
        DomainRecordDiff.SagaInputShape(
            createsDomain: input.resourceID == nil && input.destroyID == nil && input.desired != nil, desired: input.desired, fields: input.fields
        )
    }

    /// This step's operation; a permanent error when the saga's input and its steps disagree.
    static func current(_ context: SagaContext, step: String, in environment: StepEnvironment) throws -> DomainRecordOperation {
        let shape = shape(of: context.input)
        let leading = shape.createsDomain ? 1 : 0
        let position = environment.invocation?.position ?? leading
        let operations = DomainRecordDiff.operations(shape)
        let index = position - leading
        guard operations.indices.contains(index) else {
            throw StepError.permanent("step \(step) at position \(position) has no record operation in the saga's input (\(operations.count) of them)")
        }
        let change = operations[index]
        let operation = DomainRecordOperation(
            position: position, from: change.from.flatMap(DomainRecordEntry.init(text:)), to: change.to.flatMap(DomainRecordEntry.init(text:))
        )
        guard (change.from == nil) == (operation.from == nil), (change.to == nil) == (operation.to == nil) else {
            throw StepError.permanent("step \(step): the record operation '\(change.field)' in the saga's input does not read back")
        }
        return operation
    }

    /// Where the step notes the id of the record it created, for its compensation.
    var createdKey: String { "record.\(position)" }
}

/// The data a record takes when a step runs: as written, or the address of the spec it names, read
/// from what Arcadia recorded (a droplet by the id Arcadia created it with, then one GET for its
/// public IPv4; a reserved IP is its address). An address once read is kept in the saga's context, so
/// the steps and the closing record of one saga agree and read each droplet once.
enum DomainRecordData {
    static func addressKey(_ reference: String) -> String { "address.\(reference)" }

    static func resolve(_ entry: DomainRecordEntry, context: inout SagaContext, step: String, in environment: StepEnvironment) async throws -> String {
        let data = try await lookup(entry, context: context, step: step, in: environment)
        if let reference = entry.referenceKey { context.outputs[addressKey(reference)] = data }
        return data
    }

    static func lookup(_ entry: DomainRecordEntry, context: SagaContext, step: String, in environment: StepEnvironment) async throws -> String {
        guard let reference = entry.referenceKey else {
            guard let data = entry.data else { throw StepError.permanent("step \(step): record \(entry.label()) has no data") }
            return data
        }
        if let known = context.outputs[addressKey(reference)] { return known }
        let domain = context.input.name
        if let droplet = entry.droplet {
            guard let id = try await environment.recordedDropletIDs()[droplet] else {
                throw StepError.permanent("domain '\(domain)' names Droplet '\(droplet)', which Arcadia has not created; apply the droplet first")
            }
            return try await environment.publicIPv4(ofDroplet: id, named: droplet)
        }
        let name = entry.reservedIP ?? ""
        let records = try await environment.store.provisioned(kind: ResourceKind.reservedIP.rawValue)
        guard let address = records.first(where: { $0.name == name })?.resourceID else {
            throw StepError.permanent("domain '\(domain)' names ReservedIP '\(name)', which Arcadia has not reserved; apply it first")
        }
        return address
    }

    /// The spec as applied: each record that takes another spec's address with the address it took,
    /// which is how a later plan knows the live record for Arcadia's after that address changes.
    static func appliedSpec(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws -> ResourceSpec {
        let desired = try context.requireDesired(step: step)
        var spec = desired.spec
        var context = context
        var lines: [String] = []
        for line in desired.spec.strings("records") {
            guard var entry = DomainRecordEntry(text: line) else {
                lines.append(line)
                continue
            }
            if entry.isReference { entry.data = try await resolve(entry, context: &context, step: step, in: environment) }
            lines.append(entry.text)
        }
        spec["records"] = .strings(lines)
        return spec
    }
}
