import ArgumentParser
import ArcadiaCore
import ArcadiaState
import Foundation

/// Where the specs are.
struct SpecOptions: ParsableArguments {
    static let defaultFolder = "specs"

    @Option(name: .long, help: "Directory of spec files (*.yaml, *.yml), searched recursively.")
    var specs: String = SpecOptions.defaultFolder
}

/// Whether a plan from no specs may destroy everything.
struct EmptySpecsOption: ParsableArguments {
    @Flag(name: .long, help: "Allow a plan from an empty specs directory to destroy every resource Arcadia manages (refused otherwise).")
    var allowEmpty = false
}

/// Which resources a plan is limited to.
struct TargetOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Limit the plan to this resource (repeatable), e.g. --target Droplet/web-1; others are left as they are.",
            valueName: "KIND/NAME"
        )
    )
    var target: [String] = []

    func validate() throws {
        for text in target {
            do { _ = try ResourceTarget(parsing: text) } catch { throw ValidationError(error.description) }
        }
    }

    var targets: Set<ResourceTarget> { Set(target.compactMap { try? ResourceTarget(parsing: $0) }) }
}

/// Where the state is.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "State database URL: sqlite:PATH, or postgres://USER:PASSWORD@HOST:PORT/DATABASE for shared state. Default: ARCADIA_DATABASE_URL, else \(DatabaseURL.defaultURL).")
    var database: String?

    func databaseURL() throws -> DatabaseURL {
        let text = database ?? ProcessInfo.processInfo.environment["ARCADIA_DATABASE_URL"] ?? DatabaseURL.defaultURL
        return try DatabaseURL(parsing: text)
    }
}

/// Where the state and DigitalOcean are.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var state: StateOptions

    @Flag(name: .long, help: "Use an embedded DigitalOcean simulator whose world is kept in .arcadia/sim-world.json (no account needed).")
    var sim = false
}
