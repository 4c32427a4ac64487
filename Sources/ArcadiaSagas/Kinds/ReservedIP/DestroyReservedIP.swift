import ArcadiaCore
import DigitalOceanAPI

/// Releases the address a destroy or a replace removes: the saga's point of no return, since a
/// released address cannot be had back. It records in the ledger that the DELETE is about to be
/// sent before sending it, which is what `hasActed` reads; gone counts as released. Its compensation
/// only logs.
public struct DestroyReservedIP: Step {
    public let name = "DestroyReservedIP"
    public var isPointOfNoReturn: Bool { true }

    public init() {}

    static let deleteRecord = "delete_reserved_ip"

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        guard let ip = context.input.destroyID else { throw StepError.permanent("step \(name) needs the address to release") }
        try await environment.recordSending(Self.deleteRecord, resourceID: ip)
        try await ReservedIPRelease.release(ip, in: environment)
        return context
    }

    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool {
        environment.forwardRecorded(Self.deleteRecord)
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning(
            "a released reserved IP cannot be had back; nothing to compensate", metadata: ["arcadia.reserved_ip": "\(context.input.destroyID ?? "?")"]
        )
    }
}
