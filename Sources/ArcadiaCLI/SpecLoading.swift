import ArcadiaSpecs
import ArgumentParser

extension SpecOptions {
    /// Loads the specs or prints every problem and exits 1, before anything else is touched.
    func loadOrExit() throws -> [DesiredResource] {
        do {
            return try SpecLoader.load(directory: specs)
        } catch let error as SpecLoadError {
            // `path:line:col: message` at the start of the line, as compilers print it, so editors can jump to it.
            for diagnostic in error.diagnostics { Output.standardError("\(diagnostic)") }
            Output.error("\(error.diagnostics.count) problem\(error.diagnostics.count == 1 ? "" : "s") in the specs; nothing was changed.")
            throw ExitCode.failure
        }
    }
}
