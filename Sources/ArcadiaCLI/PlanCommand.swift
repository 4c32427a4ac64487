import ArgumentParser
import ArcadiaCore
import ArcadiaSagas
import Foundation

struct PlanCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change: creates, resizes, replacements, destroys, and drift.",
        discussion: """
            Syncs DigitalOcean's inventory, compares it with the specs and with what Arcadia last applied, and records \
            drift (live values changed outside Arcadia) in the state. Changes nothing at DigitalOcean.

            A resource with an unfinished saga (or whose droplet lost its managed-by-arcadia tag) gets no new change: \
            the plan lists it under "Left alone" with what to do.

            The plan goes to standard output; its warnings and errors go to standard error.

            Exit status: 0 on success; with --detailed-exitcode, 0 when DigitalOcean matches the specs, 2 when there \
            are changes, resources left alone, drift open (also drift the plan only reports, such as ipv6 enabled \
            outside Arcadia or a droplet powered off under policy.drift: report), or a spec change Arcadia does not \
            carry out (a change_not_supported warning), so a CI check sees it; 1 on error (including a plan that would \
            destroy a protected resource, or turn a droplet's ipv6 off, which takes a replacement).
            """
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var emptySpecs: EmptySpecsOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var targetOptions: TargetOptions

    @Option(name: .long, help: "Save the plan (JSON) for `arcadia apply FILE`, which refuses it if the world changes meanwhile.")
    var out: String?

    @Flag(name: .long, help: "Print the plan as JSON (format_version 2; the README describes it) on standard output.")
    var json = false

    @Flag(name: .long, help: "Exit 2 when there are changes, resources left alone or open drift, 0 when in sync, 1 on error.")
    var detailedExitcode = false

    @Flag(name: .long, help: "List the droplets Arcadia leaves alone (no managed-by-arcadia tag), not only their count.")
    var showUnmanaged = false

    func execute() async throws {
        Hints.remember(connection, specs: specOptions)
        let desired = try specOptions.loadOrExit()
        let (specsFolder, allowEmpty, targets) = (specOptions.specs, emptySpecs.allowEmpty, targetOptions.targets)
        let plan = try await runReporting {
            try await Session.with(connection) { session in
                try await Reconciler(client: session.client, store: session.store)
                    .plan(desired: desired, specsFolder: specsFolder, allowEmpty: allowEmpty, targets: targets)
            }
        }
        let document = PlanDocument(plan)
        if json {
            Output.print(String(decoding: document.encoded(), as: UTF8.self))
        } else {
            Output.print("\(desired.count) spec\(desired.count == 1 ? "" : "s") loaded from \(specsFolder).")
            Output.print(PlanRenderer(useColor: Output.useColor, showUnmanaged: showUnmanaged).text(plan))
        }
        // Warnings and errors go to standard error, also with --json (whose document carries them too).
        PlanRenderer(useColor: Output.useColorOnStandardError).diagnostics(plan).forEach(Output.standardError)
        if let out, plan.errors.isEmpty {
            try document.encoded().write(to: URL(fileURLWithPath: out))
            if !json { Output.print("Saved the plan to \(out); apply it with: \(Hints.command("apply \(out)", takesSpecs: true))") }
        }
        if !plan.errors.isEmpty { throw ExitCode.failure }
        if detailedExitcode && !plan.isInSync { throw ExitCode(2) }
    }
}

/// Runs `body`, printing any error for people and exiting 1 instead of dumping it.
func runReporting<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        Output.error("\(error)")
        throw ExitCode.failure
    }
}
