import ArcadiaState
import Foundation
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM during `apply` or `sagas resume`: the process stops as a kill would,
/// which the ledger is built for, but first says which sagas it left unfinished and how to go on,
/// instead of exiting in silence with a droplet perhaps powered off.
enum Interrupt {
    /// Runs `body`, showing its running steps meanwhile (``ProgressPrinter/showRunningSteps()``); on
    /// SIGINT or SIGTERM, prints the unfinished sagas and exits (130 or 143).
    static func reportingUnfinishedSagas<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let shown: @Sendable () async throws -> T = { try await withWatcher(ProgressPrinter.showRunningSteps, running: body) }
        return try await withWatcher({
            for await signal in signals {
                let lines = ProgressPrinter.interruptedSummary()
                let rest = "\(Hints.command("sagas list", talksToDigitalOcean: false)) shows every unfinished saga, including any that had not started yet; "
                    + "\(Hints.command("sagas resume", takesSpecs: true)) continues them all\n"
                let text = lines.isEmpty
                    ? "interrupted; no saga was running. " + rest
                    : "interrupted:\n" + lines.map { "  \($0)\n" }.joined() + rest
                // Straight to the descriptor: the output queue may be the thing that is stuck. The live
                // status line, if any, is wiped first so the report starts on a clean line.
                if Output.isTerminal { _ = "\r\u{1B}[K".withCString { write(STDOUT_FILENO, $0, strlen($0)) } }
                _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
                exit(signal == .sigint ? 130 : 143)
            }
        }, running: shown)
    }
}
