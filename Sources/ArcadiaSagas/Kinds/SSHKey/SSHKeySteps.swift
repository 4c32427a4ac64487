import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// Uploads the key. DigitalOcean holds one key per fingerprint, so a retry or a resume first looks the
/// key up by fingerprint and adopts it when it carries this spec's name (this saga's upload, which
/// landed); one under another name was not Arcadia's, and is refused rather than taken over. The
/// upload is recorded as about to be sent first, so the compensation deletes only a key this step
/// may have uploaded, never one that was there before it (someone's, of the same name).
public struct CreateSSHKey: Step {
    public let name = "CreateSSHKey"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let desired = try context.requireDesired(step: name)
        guard let line = desired.spec.string("publicKey"), let fingerprint = PublicKey.fingerprint(of: line) else {
            throw StepError.permanent("SSHKey '\(desired.name)' has no valid publicKey")
        }
        if let existing = try await find(fingerprint, in: environment) {
            guard existing.name == desired.name else {
                throw StepError.refused(
                    "this public key is already in the account as key '\(existing.name)' (id \(existing.id)), which Arcadia did not upload; "
                        + "name that key in sshKeys by its fingerprint \(fingerprint), or delete it from the account and apply again"
                )
            }
            environment.logger.info("adopting the SSH key uploaded earlier by this saga", metadata: ["arcadia.sshkey.id": "\(existing.id)"])
            context[.resourceID] = String(existing.id)
            return context
        }
        try await environment.recordSending(Self.sendRecord, resourceID: fingerprint)
        context[.resourceID] = String(try await environment.client.createSSHKey(name: desired.name, publicKey: line).id)
        return context
    }

    static let sendRecord = "create_ssh_key"

    /// Removes the key this step uploaded: the one with the spec's fingerprint and name.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        guard environment.forwardRecorded(Self.sendRecord) else { return }
        let desired = try context.requireDesired(step: name)
        guard let fingerprint = desired.spec.string("publicKey").flatMap(PublicKey.fingerprint(of:)),
              let existing = try await find(fingerprint, in: environment), existing.name == desired.name
        else { return }
        try await environment.client.deleteSSHKey(idOrFingerprint: String(existing.id))
    }

    private func find(_ fingerprint: String, in environment: StepEnvironment) async throws -> SSHKey? {
        do {
            return try await environment.client.getSSHKey(idOrFingerprint: fingerprint)
        } catch let error as DigitalOceanError where error.isNotFound {
            return nil
        }
    }
}

/// Removes the key a replace or destroy retires: the saga's point of no return (the key's id is gone
/// for good; droplets keep the key they were created with). One already gone counts as removed.
public struct DestroySSHKey: Step {
    public let name = "DestroySSHKey"
    public var isPointOfNoReturn: Bool { true }

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        guard let id = context.input.destroyID else { throw StepError.permanent("step \(name) needs the key to remove") }
        try await environment.recordSending(Self.deleteRecord, resourceID: id)
        try await environment.client.deleteSSHKey(idOrFingerprint: id)
        return context
    }

    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool {
        environment.forwardRecorded(Self.deleteRecord)
    }

    static let deleteRecord = "delete_ssh_key"

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning("a removed SSH key cannot be brought back under its id; nothing to compensate")
    }
}
