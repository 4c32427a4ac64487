import ArcadiaState
import Foundation
import NIOConcurrencyHelpers

/// The flags a suggested command must repeat to reach the same DigitalOcean, state and specs as the command that
/// suggests it: `arcadia sagas resume` without `--sim` would talk to the real DigitalOcean. A command records its
/// flags once; every hint it prints (including the interrupt report) reads them back.
enum Hints {
    private struct Flags {
        var sim = false
        var database: String?
        var specs: String?
    }

    private static let flags = NIOLockedValueBox(Flags())

    /// Records the flags of the running command. `--database` is repeated without its password; `--specs` only
    /// when it is not the default.
    static func remember(_ connection: ConnectionOptions, specs: SpecOptions? = nil) {
        remember(connection.state, sim: connection.sim, specs: specs)
    }

    static func remember(_ state: StateOptions, sim: Bool = false, specs: SpecOptions? = nil) {
        let database = state.database.flatMap { try? DatabaseURL(parsing: $0) }.map(\.description)
        let folder = specs.map(\.specs).flatMap { $0 == SpecOptions.defaultFolder ? nil : $0 }
        flags.withLockedValue { $0 = Flags(sim: sim, database: database, specs: folder) }
    }

    /// `arcadia SUBCOMMAND` with the remembered flags it takes, in backquotes.
    /// - Parameters:
    ///   - takesSpecs: the suggested command reads specs (`plan`, `apply`, `sagas resume`).
    ///   - talksToDigitalOcean: it takes `--sim` (not `sagas list`/`show`, which read only the state).
    static func command(_ subcommand: String, takesSpecs: Bool = false, talksToDigitalOcean: Bool = true) -> String {
        let flags = flags.withLockedValue { $0 }
        var words = ["arcadia", subcommand]
        if takesSpecs, let specs = flags.specs { words += ["--specs", quoted(specs)] }
        if talksToDigitalOcean && flags.sim { words.append("--sim") }
        if let database = flags.database { words += ["--database", quoted(database)] }
        return "`" + words.joined(separator: " ") + "`"
    }

    /// `text` with every backquoted `arcadia …` command that names none of the flags given the
    /// flags it takes (hints written where the flags are not known: the plan's "left alone" reasons,
    /// the saga engine's messages).
    static func rewrite(_ text: String) -> String {
        guard text.contains("`arcadia "), flags.withLockedValue({ $0.sim || $0.database != nil || $0.specs != nil }) else { return text }
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "`arcadia ") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "`") else {
                rest = rest[start.lowerBound...]
                break
            }
            let command = String(rest[start.upperBound..<end])
            if command.contains("--sim") || command.contains("--database") || command.contains("--specs") || command.hasPrefix("--") {
                result += rest[start.lowerBound...end]
            } else {
                let readsOnlyState = ["sagas show", "sagas list", "drift show", "events"].contains { command.hasPrefix($0) }
                let takesSpecs = ["plan", "apply", "sagas resume", "drift", "show"].contains { command.hasPrefix($0) } && !command.hasPrefix("drift show")
                result += Self.command(command, takesSpecs: takesSpecs, talksToDigitalOcean: !readsOnlyState)
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    private static func quoted(_ word: String) -> String {
        word.contains(where: { " '\"$&;|<>()*?".contains($0) }) ? "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" : word
    }
}
