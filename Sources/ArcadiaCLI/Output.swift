import Foundation

/// Writing for people: stdout for results, stderr for errors; colour only on a terminal without NO_COLOR.
enum Output {
    static var useColor: Bool {
        isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    static func print(_ text: String) {
        Swift.print(text)
        fflush(nil)
    }

    static func error(_ text: String) {
        standardError("error: \(text)")
    }

    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
