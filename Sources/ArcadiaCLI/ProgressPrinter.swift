import ArcadiaSagas
import ArcadiaState
import Foundation
import NIOConcurrencyHelpers

/// One line per saga step as it happens.
enum ProgressPrinter {
    /// Saga id → what it is doing now, for the message an interrupt prints.
    private static let inFlight = NIOLockedValueBox<[String: String]>([:])
    /// Saga id → the step running now and since when, for the live display.
    private static let runningSteps = NIOLockedValueBox<[String: (label: String, since: ContinuousClock.Instant)]>([:])

    /// While `apply` or `resume` runs: the running steps and their elapsed time, as a live status line
    /// redrawn every second on a terminal, otherwise a line every 5 s per step still running, so a
    /// slow snapshot is never silence.
    static func showRunningSteps() async throws {
        defer { Output.setStatus(nil) }
        var reported: [String: Int] = [:]
        while true {
            try await Task.sleep(for: .seconds(1))
            if Output.isTerminal {
                drawStatus()
                continue
            }
            for step in running() where step.seconds >= 5 && reported[step.label] != step.seconds / 5 {
                reported[step.label] = step.seconds / 5
                Output.print("  \(step.label) still running (\(step.seconds / 5 * 5)s)")
            }
        }
    }

    private static func running() -> [(label: String, seconds: Int)] {
        let now = ContinuousClock.now
        return runningSteps.withLockedValue { $0 }.sorted { $0.key < $1.key }
            .map { ($0.value.label, Int($0.value.since.duration(to: now).components.seconds)) }
    }

    /// The live line: every step running for a second or more, with its elapsed time.
    private static func drawStatus() {
        let shown = running().filter { $0.seconds >= 1 }.map { "\($0.label) \($0.seconds)s" }
        Output.setStatus(shown.isEmpty ? nil : "  … " + shown.joined(separator: " · "))
    }

    /// One line per saga caught unfinished: which step it was at, and how to go on.
    static func interruptedSummary() -> [String] {
        inFlight.withLockedValue { $0 }.sorted { $0.key < $1.key }.map { id, doing in
            "saga \(id.prefix(8)) (\(doing)) was left unfinished; nothing was rolled back. \(Hints.command("sagas resume", takesSpecs: true)) continues it, "
                + "\(Hints.command("sagas cancel \(id.prefix(8))")) undoes it (until its point of no return); until then its resource is left alone"
        }
    }

    @Sendable static func print(_ progress: SagaProgress) {
        track(progress)
        // A step that ended leaves the live line at once, not at the next tick.
        defer { if Output.isTerminal { drawStatus() } }
        switch progress {
        case .stepStarted(let saga, let step, let attempt):
            if attempt > 1 { Output.print("  \(prefix(saga)) \(step): attempt \(attempt)") }
        case .stepCompleted(let saga, let step, let seconds):
            Output.print("  \(prefix(saga)) ✓ \(step) (\(String(format: "%.1f", seconds))s)")
        case .stepRetrying(let saga, let step, let error, let delay):
            Output.print("  \(prefix(saga)) \(step) will retry in \(String(format: "%.1f", delay))s: \(error)")
        case .stepFailed(let saga, let step, let error):
            Output.print("  \(prefix(saga)) ✗ \(step) failed: \(error)")
        case .stepCompensated(let saga, let step):
            Output.print("  \(prefix(saga)) ↺ \(step) compensated")
        case .sagaFinished(let saga, let status):
            let reason = status == .failed ? saga.error.map { ": \($0)" } ?? "" : ""
            Output.print("  \(prefix(saga)) \(status == .completed ? "done" : status.rawValue)\(reason)")
        }
    }

    private static func track(_ progress: SagaProgress) {
        runningSteps.withLockedValue { running in
            switch progress {
            case .stepStarted(let saga, let step, _): running[saga.id] = ("\(prefix(saga)) \(step)", .now)
            case .stepCompleted(let saga, _, _), .stepFailed(let saga, _, _), .stepCompensated(let saga, _), .sagaFinished(let saga, _):
                running[saga.id] = nil
            case .stepRetrying: break
            }
        }
        inFlight.withLockedValue { running in
            switch progress {
            case .stepStarted(let saga, let step, _):
                running[saga.id] = "\(saga.kind) \(saga.resourceName), at \(step)"
            case .stepCompleted(let saga, let step, _):
                running[saga.id] = "\(saga.kind) \(saga.resourceName), after \(step)"
            case .stepCompensated(let saga, let step):
                running[saga.id] = "\(saga.kind) \(saga.resourceName), compensating past \(step)"
            case .sagaFinished(let saga, _):
                running[saga.id] = nil
            default:
                break
            }
        }
    }

    /// The error line for a saga that did not complete: where to look, and, if it stopped unfinished
    /// (its worker lost its lease, or the database went away), how to continue it.
    static func notCompleted(id: String, status: SagaStatus, name: String? = nil) -> String {
        let short = id.prefix(8)
        let subject = "saga \(short)" + (name.map { " for \($0)" } ?? "")
        let show = Hints.command("sagas show \(short)", talksToDigitalOcean: false)
        if status == .failed {
            return "\(subject) halted (failed): \(show) says why; fix the cause, then \(Hints.command("sagas resume", takesSpecs: true)) carries on"
        }
        guard status.isFinal else {
            return "\(subject) stopped unfinished (\(status.rawValue)); \(Hints.command("sagas resume", takesSpecs: true)) continues it, \(show) shows where it stopped"
        }
        return "\(subject) ended \(status.rawValue); see \(show)"
    }

    private static func prefix(_ saga: SagaRecord) -> String {
        "[\(saga.kind) \(saga.resourceName) \(saga.id.prefix(8))]"
    }
}
