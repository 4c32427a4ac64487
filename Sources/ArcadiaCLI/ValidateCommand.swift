import ArgumentParser
import ArcadiaCore
import ArcadiaSpecs
import Foundation

struct ValidateCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the spec files: every problem is printed as path:line:col. Touches neither state nor DigitalOcean.",
        discussion: """
            With --json, prints {"format_version": "2", "valid": BOOL, "specs": N, "diagnostics": [{"code", "severity", \
            "kind", "name", "file", "line", "column", "message"}]} on standard output, the same diagnostic objects \
            `plan --json` prints, so a CI system can annotate the exact line.

            Exit status: 0 when the specs are valid, 1 otherwise.
            """
    )

    @OptionGroup var specOptions: SpecOptions

    @Flag(name: .long, help: "Print the result as JSON (format_version 2).")
    var json = false

    struct Report: Encodable {
        var formatVersion = PlanDocument.currentFormat
        var valid: Bool
        var specs: Int
        var diagnostics: [Diagnostic]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case valid, specs, diagnostics
        }
    }

    func execute() async throws {
        guard json else {
            let resources = try specOptions.loadOrExit()
            Output.print("\(resources.count) spec\(resources.count == 1 ? "" : "s") valid in \(specOptions.specs).")
            return
        }
        do {
            let resources = try SpecLoader.load(directory: specOptions.specs)
            Output.print(try Output.json(Report(valid: true, specs: resources.count, diagnostics: [])))
        } catch let error as SpecLoadError {
            Output.print(try Output.json(Report(valid: false, specs: 0, diagnostics: error.diagnostics.map(\.diagnostic))))
            throw ExitCode.failure
        }
    }
}
