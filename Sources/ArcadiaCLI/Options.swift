import ArgumentParser
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
