/// A position in a spec file, as an operator's editor counts it (1-based).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file's path as it was given to the loader.
    public var path: String
    /// 1-based; 0 when the problem is the path itself (a missing directory), not a place in the file.
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// `path:line:col`, or just `path` when the problem is the path itself (line 0).
    public var description: String { line > 0 ? "\(path):\(line):\(column)" : path }
}
