/// One finding of `validate` or `plan`, for people and for machines: what (a stable `code`), how bad,
/// which resource, where (file, line, column, when known), and the message with what to do.
/// `description` is the text form, `path:line:col: message`, as compilers print it.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    /// Stable, snake_case: e.g. `invalid_spec`, `unknown_region`, `protected_destroy`.
    public var code: String
    public var severity: Severity
    public var kind: String?
    public var name: String?
    public var location: SourceLocation?
    /// The message, without the position.
    public var message: String

    public init(
        code: String, severity: Severity = .error, kind: String? = nil, name: String? = nil, location: SourceLocation? = nil, message: String
    ) {
        self.code = code
        self.severity = severity
        self.kind = kind
        self.name = name
        self.location = location
        self.message = message
    }

    public static func error(_ code: String, _ resource: DesiredResource, at location: SourceLocation? = nil, _ message: String) -> Diagnostic {
        Diagnostic(code: code, kind: resource.kind.rawValue, name: resource.name, location: location ?? resource.source, message: message)
    }

    public var description: String { location.map { "\($0): \(message)" } ?? message }

    /// The JSON form: `{"code", "severity", "kind", "name", "file", "line", "column", "message"}`,
    /// the position fields present where known.
    enum CodingKeys: String, CodingKey {
        case code, severity, kind, name, file, line, column, message
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        severity = try container.decode(Severity.self, forKey: .severity)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        message = try container.decode(String.self, forKey: .message)
        if let file = try container.decodeIfPresent(String.self, forKey: .file) {
            location = SourceLocation(
                path: file, line: try container.decodeIfPresent(Int.self, forKey: .line) ?? 0,
                column: try container.decodeIfPresent(Int.self, forKey: .column) ?? 0
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(severity, forKey: .severity)
        try container.encodeIfPresent(kind, forKey: .kind)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(location?.path, forKey: .file)
        // A problem with the path itself (line 0) has no position to give.
        try container.encodeIfPresent(location.flatMap { $0.line > 0 ? $0.line : nil }, forKey: .line)
        try container.encodeIfPresent(location.flatMap { $0.line > 0 ? $0.column : nil }, forKey: .column)
        try container.encode(message, forKey: .message)
    }
}

extension SpecDiagnostic {
    /// A spec file's problem as a diagnostic: code `invalid_spec`, always an error.
    public var diagnostic: Diagnostic {
        Diagnostic(code: "invalid_spec", location: location, message: message)
    }
}
