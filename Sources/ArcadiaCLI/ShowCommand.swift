import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArgumentParser
import DigitalOceanAPI
import Foundation
import Logging

struct ShowCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one resource: its spec, its live state at DigitalOcean, its last saga and its open drift.",
        discussion: """
            Read-only: changes nothing at DigitalOcean and writes nothing to the state, and refuses, as `sagas list` \
            does, when there is no state to read. The live state is one GET of the droplet (with --sim, from the \
            embedded simulator; otherwise when DIGITALOCEAN_TOKEN is set); without either it is the inventory as \
            `plan` last synced it, and says so.

            Exit status: 0 when the resource is known (to the specs, the inventory or the ledger), 1 otherwise.
            """
    )

    @Argument(help: "KIND/NAME, e.g. Droplet/web-1.")
    var resource: String

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Print JSON: {\"kind\", \"name\", \"spec\", \"live\", \"last_saga\", \"drift\"}.")
    var json = false

    func validate() throws {
        let parts = resource.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ValidationError("'\(resource)' is not KIND/NAME; give e.g. Droplet/web-1")
        }
    }

    func execute() async throws {
        Hints.remember(connection, specs: specOptions)
        let parts = resource.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let kinds = ResourceKind.allCases.map(\.rawValue)
        guard let kind = ResourceKind.allCases.first(where: { $0.rawValue.lowercased() == parts[0].lowercased() }) else {
            let guess = closestMatch(to: parts[0], in: kinds).map { "did you mean \($0)? " } ?? ""
            Output.error("unknown kind '\(parts[0])'; \(guess)Arcadia knows \(kinds.joined(separator: ", "))")
            throw ExitCode.failure
        }
        let name = parts[1]
        let specs = SpecsRead(folder: specOptions.specs)
        let (connection, sim) = (connection, connection.sim)
        let view = try await runReporting {
            try await Session.withStore(connection.state) { store in
                var view = try await ResourceView.read(kind: kind, name: name, spec: specs.resource(kind: kind, name: name), store: store)
                guard view.isKnown else { return view }
                view.live = try await LiveLookup.fetch(kind: kind, name: name, knownID: view.knownID, inventory: view.live, sim: sim)
                return view
            }
        }
        guard view.isKnown else {
            let guess = closestMatch(to: name, in: view.knownNames + specs.names(kind: kind)).map { " Did you mean \(kind.rawValue)/\($0)?" } ?? ""
            Output.error(
                "no \(kind.rawValue) named '\(name)' in the specs (\(specOptions.specs)), the inventory or the saga ledger.\(guess) "
                    + "\(Hints.command("plan", takesSpecs: true)) lists what Arcadia manages"
            )
            throw ExitCode.failure
        }
        if let problem = specs.problem { Output.standardError("note: \(problem)") }
        Output.print(json ? try Output.json(view) : view.text(specsFolder: specOptions.specs))
    }
}

/// The specs as `show` reads them: a missing folder or a broken spec elsewhere does not stop it showing the rest.
struct SpecsRead: Sendable {
    var resources: [DesiredResource] = []
    var problem: String?

    init(folder: String) {
        do {
            resources = try SpecLoader.load(directory: folder)
        } catch let error as SpecLoadError {
            let count = error.diagnostics.count
            problem = count == 1 && error.diagnostics[0].location.line == 0
                ? "\(error.diagnostics[0]); the spec is not shown"
                : "the specs in \(folder) have \(count) problem\(count == 1 ? "" : "s") (`arcadia validate` lists them); the spec is not shown"
        } catch {
            problem = "cannot read the specs in \(folder): \(error)"
        }
    }

    func resource(kind: ResourceKind, name: String) -> DesiredResource? {
        resources.first { $0.kind == kind && $0.name == name }
    }

    func names(kind: ResourceKind) -> [String] {
        resources.filter { $0.kind == kind }.map(\.name)
    }
}
