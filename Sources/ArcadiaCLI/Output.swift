import ArcadiaState
import Foundation

/// Writing for people: stdout for results, stderr for errors; colour only on a terminal without NO_COLOR.
enum Output {
    static var useColor: Bool {
        isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    static var useColorOnStandardError: Bool {
        isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// Every line is written from this one serial queue, on a thread of its own: a stalled reader of
    /// standard output (a full pipe, a paused terminal) then blocks only this queue, never the tasks
    /// that renew saga leases. Order between standard output and standard error is kept.
    private static let writer = DispatchQueue(label: "arcadia.output")

    static func print(_ text: String) {
        let text = Hints.rewrite(text)
        writer.async {
            clearStatus()
            Swift.print(text)
            drawStatus()
            fflush(nil)
        }
    }

    /// Whether standard output is a terminal: a live status line is drawn only there.
    static let isTerminal = isatty(STDOUT_FILENO) != 0

    /// The live line under the output on a terminal (what is running, for how long); written and
    /// read on the writer queue only.
    nonisolated(unsafe) private static var statusLine = ""

    /// Shows `line` as the live status line on a terminal, replacing the last; nil removes it.
    static func setStatus(_ line: String?) {
        guard isTerminal else { return }
        writer.async {
            clearStatus()
            statusLine = line ?? ""
            drawStatus()
            fflush(nil)
        }
    }

    private static func clearStatus() {
        if !statusLine.isEmpty { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
    }

    private static func drawStatus() {
        if !statusLine.isEmpty { FileHandle.standardOutput.write(Data(statusLine.utf8)) }
    }

    /// Waits until every line written so far is out: before a prompt, and before the process exits.
    static func flush() {
        writer.sync {}
    }

    static func error(_ text: String) {
        standardError("error: \(text)")
    }

    static func standardError(_ line: String) {
        let line = Hints.rewrite(line)
        writer.async {
            clearStatus()
            FileHandle.standardError.write(Data("\(line)\n".utf8))
            drawStatus()
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Store.timestamp(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
