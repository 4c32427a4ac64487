import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// Reserves a new address in the spec's region, assigned to nothing (AssignReservedIP assigns it).
/// DigitalOcean gives a reserved IP neither name nor tags, so nothing on the address says which saga
/// reserved it. The step therefore notes in the ledger, before its POST, the region's addresses as
/// they were; an attempt that may have posted unrecorded (a kill, a lost answer) adopts the address
/// in the region that is neither among those nor recorded by this state, instead of reserving another.
/// That costs one list request per create.
public struct CreateReservedIP: Step {
    public let name = "CreateReservedIP"

    public init() {}

    static let sendRecord = "create_reserved_ip"

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let region = try Self.region(context, step: name)
        if environment.invocation?.mayHaveActed ?? true, let adopted = try await Self.reservedEarlier(region: region, in: environment) {
            environment.logger.info("adopting the reserved IP an interrupted attempt reserved", metadata: ["arcadia.reserved_ip": "\(adopted.ip)"])
            context[.resourceID] = adopted.ip
            return context
        }
        let known = try await environment.client.listReservedIPs().filter { $0.region == region }.map(\.ip)
        try await environment.recordSending(Self.sendRecord, resourceID: known.sorted().joined(separator: " "))
        do {
            context[.resourceID] = try await environment.client.createReservedIP(region: region).ip
        } catch let error as DigitalOceanError where error.code == .outcomeUnknown {
            guard let adopted = try await Self.reservedEarlier(region: region, in: environment) else { throw error }
            context[.resourceID] = adopted.ip
        }
        return context
    }

    /// Releases the address this step reserved, found as `execute` adopts it when its id was never
    /// recorded.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let region = try Self.region(context, step: name)
        var address = context[.resourceID]
        if address == nil { address = try await Self.reservedEarlier(region: region, in: environment)?.ip }
        guard let address else { return }
        try await ReservedIPRelease.release(address, in: environment)
    }

    /// The address in the region that this step's forward run reserved: not among the addresses the
    /// ledger noted before its POST, and not one any record of this state names. Nil before the POST
    /// was ever about to be sent. More than one such address (one reserved by hand meanwhile) cannot
    /// be told apart: a permanent error names them rather than adopting, or releasing, the wrong one.
    static func reservedEarlier(region: String, in environment: StepEnvironment) async throws -> ReservedIP? {
        guard let noted = environment.invocation?.forwardActions.first(where: { $0.actionType == sendRecord }) else { return nil }
        let before = Set(noted.resourceID.split(separator: " ").map(String.init))
        let recorded = Set(try await environment.store.provisioned(kind: ResourceKind.reservedIP.rawValue).map(\.resourceID))
        let candidates = try await environment.client.listReservedIPs().filter { reserved in
            reserved.region == region && !before.contains(reserved.ip) && !recorded.contains(reserved.ip)
        }
        guard candidates.count <= 1 else {
            throw StepError.permanent(
                "\(candidates.count) addresses were reserved in \(region) since this step began (\(candidates.map(\.ip).sorted().joined(separator: ", "))), "
                    + "and nothing on an address says which this saga reserved; release the ones nobody wants at DigitalOcean, then resume"
            )
        }
        return candidates.first
    }

    private static func region(_ context: SagaContext, step: String) throws -> String {
        guard let region = try context.requireDesired(step: step).spec.string("region") else {
            throw StepError.permanent("step \(step): the reserved IP's spec has no region")
        }
        return region
    }
}

/// Releasing an address, as DestroyReservedIP and CreateReservedIP's compensation do it.
enum ReservedIPRelease {
    /// Releases the address; gone counts as released. While an action still holds it (422 "pending
    /// event"), it waits and tries again, until the wait times out.
    static func release(_ ip: String, in environment: StepEnvironment) async throws {
        _ = try await environment.poll("reserved IP \(ip) to be free to release") { () -> Bool? in
            do {
                try await environment.client.deleteReservedIP(ip)
                return true
            } catch let error as DigitalOceanError where error.isPendingEvent {
                return nil
            }
        }
    }
}
