import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation

/// Creates the droplet, tagged `managed-by-arcadia` and with the saga's tag. When an earlier attempt may
/// have posted (a retry, or a resume of a step caught running), it first looks for a droplet carrying
/// the saga tag and adopts it, so a retry or a resume never creates a second one. On a first attempt
/// the ledger says nothing was posted, and the look is skipped: one request fewer per create.
public struct CreateDroplet: Step {
    public let name = "CreateDroplet"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let sagaTag = context.input.sagaTag
        let desired = try context.requireDesired(step: name)
        let spec = DropletSpec(desired.spec)

        let mayHavePosted = environment.invocation?.mayHaveActed ?? true
        if mayHavePosted, let existing = try await environment.client.listDroplets(tagName: sagaTag).first {
            environment.logger.info("adopting droplet created earlier by this saga", metadata: ["arcadia.droplet.id": "\(existing.id)"])
            context[.resourceID] = String(existing.id)
            return context
        }
        let request = DropletCreateRequest(
            name: desired.name, region: spec.region, size: spec.size, image: spec.image,
            sshKeys: try await resolvedKeys(spec.sshKeys, in: environment),
            backups: spec.backups, ipv6: spec.ipv6, monitoring: spec.monitoring,
            tags: spec.tags + [Ownership.managedTag, sagaTag], userData: spec.userData, vpcUuid: spec.vpc
        )
        let created = try await environment.client.createDroplet(request)
        context[.resourceID] = String(created.droplet.id)
        context[.createActionID] = created.createActionID.map(String.init)
        return context
    }

    /// Keys named by their SSHKey spec become the id that spec's saga recorded; ids and fingerprints stay.
    private func resolvedKeys(_ keys: [String], in environment: StepEnvironment) async throws -> [String] {
        var resolved: [String] = []
        for key in keys {
            if ProviderCatalogue.isKeyLiteral(key) {
                resolved.append(key)
            } else if let id = try await environment.store.provisioned(kind: ResourceKind.sshKey.rawValue).first(where: { $0.name == key })?.resourceID {
                resolved.append(id)
            } else {
                throw StepError.permanent("SSH key '\(key)' names an SSHKey spec that Arcadia has not created; apply the SSHKey first")
            }
        }
        return resolved
    }

    /// Deletes what carries the saga tag: the droplet this step created, even if its id was never
    /// recorded. One whose `managed-by-arcadia` tag was taken away meanwhile is left alone, as every
    /// droplet without it is.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let sagaTag = context.input.sagaTag
        for droplet in try await environment.client.listDroplets(tagName: sagaTag) {
            guard droplet.tags.contains(where: { $0.lowercased() == Ownership.managedTag }) else {
                environment.logger.warning(
                    "not deleting a droplet this saga created: it no longer carries \(Ownership.managedTag)",
                    metadata: ["arcadia.droplet.id": "\(droplet.id)"]
                )
                continue
            }
            try await environment.client.deleteDroplet(id: droplet.id)
        }
    }
}

/// Waits until the droplet is `active` and unlocked; fails if its create action errored. It looks through
/// the listing of Arcadia's droplets that every waiting saga shares (one request a poll for all of them),
/// or, when that costs more or the listing lacks the droplet, reads it alone; a droplet made a moment
/// ago can 404 on DigitalOcean, so until the wait times out a 404 means "not yet". A droplet whose
/// create action has ended unlocked without making it active sends one read of that action, which
/// says whether it errored.
public struct WaitDropletActive: Step {
    public let name = "WaitDropletActive"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireNumericResourceID(step: name)
        let createActionID = context[.createActionID].flatMap(Int.init)
        // A droplet just created boots in about 40 s: the first look comes then (at once on a re-run).
        let first = environment.invocation?.mayHaveActed == false ? environment.typicalWait(for: "create") : .zero
        let client = environment.client
        _ = try await environment.watch("droplet \(dropletID) to become active", on: environment.pollers.droplets, key: dropletID, firstAfter: first) {
            listed -> Droplet? in
            let droplet: Droplet
            if let listed {
                droplet = listed
            } else {
                do {
                    droplet = try await client.getDroplet(id: dropletID)
                } catch let error as DigitalOceanError where error.isNotFound {
                    return nil
                }
            }
            guard !droplet.locked else { return nil }
            if droplet.status == "active" { return droplet }
            if let createActionID, droplet.status == "new", try await client.getAction(id: createActionID).status == "errored" {
                throw StepError.permanent("DigitalOcean could not create droplet \(dropletID): its create action \(createActionID) errored")
            }
            return nil
        }
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {}
}
