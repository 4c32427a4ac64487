/// One problem found in a spec file: where it is and what to do about it.
public struct SpecDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `path:line:col: message`, the form compilers use so editors can jump to it.
    public var description: String { "\(location): \(message)" }
}

/// Thrown by ``SpecLoader`` when any file has a problem; carries every problem found, in file order.
public struct SpecLoadError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [SpecDiagnostic]

    public init(diagnostics: [SpecDiagnostic]) {
        self.diagnostics = diagnostics
    }

    public var description: String {
        let count = diagnostics.count
        let lines = diagnostics.map(\.description).joined(separator: "\n")
        return "\(lines)\n\(count) problem\(count == 1 ? "" : "s") found in the specs; nothing was changed."
    }
}
