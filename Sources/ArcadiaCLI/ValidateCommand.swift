import ArgumentParser
import ArcadiaSpecs

struct ValidateCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the spec files: every problem is printed as path:line:col. Touches neither state nor DigitalOcean.",
        discussion: "Exit status: 0 when the specs are valid, 1 otherwise."
    )

    @OptionGroup var specOptions: SpecOptions

    func execute() async throws {
        let resources = try specOptions.loadOrExit()
        Output.print("\(resources.count) spec\(resources.count == 1 ? "" : "s") valid in \(specOptions.specs).")
    }
}
