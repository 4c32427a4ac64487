import Foundation
import Yams

/// Loads and validates spec files. Pure apart from reading the files it is pointed at.
public enum SpecLoader {
    /// Loads every `*.yaml` / `*.yml` below `directory`, in path order.
    ///
    /// - Throws: ``SpecLoadError`` with every problem in every file; nothing partial is returned.
    public static func load(directory: String, kinds: SpecKinds) throws -> [DesiredResource] {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
        guard exists, isDirectory.boolValue else {
            // The whole path is at fault, not a position in a file: no line and column.
            let what = exists ? "is a file, not a directory" : "no such directory"
            throw SpecLoadError(diagnostics: [
                SpecDiagnostic(
                    SourceLocation(path: directory, line: 0, column: 0),
                    "\(what); --specs names the folder that holds your spec files (*.yaml; default specs/)"
                )
            ])
        }
        // Each file is read and parsed on its own, across the cores; what they say is put together in
        // path order, so the errors come in the same order however the work was shared out.
        let paths = specFiles(in: directory)
        let files = ParallelMap.map(paths) { path -> ParsedDocument? in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            return parseDocument(text, path: path, kinds: kinds)
        }
        let unreadable = zip(paths, files).filter { $0.1 == nil }.map { path, _ in
            SpecDiagnostic(SourceLocation(path: path, line: 1, column: 1), "cannot read file as UTF-8 text")
        }
        do {
            let resources = try combine(files.compactMap { $0 }, resolvingReferences: true, kinds: kinds)
            guard unreadable.isEmpty else { throw SpecLoadError(diagnostics: unreadable) }
            return resources
        } catch let error as SpecLoadError where !unreadable.isEmpty {
            throw SpecLoadError(diagnostics: unreadable + error.diagnostics)
        }
    }

    /// Parses documents already in memory; `path` is only used in messages. Without
    /// `resolvingReferences`, names of other specs are not looked for among the documents (a single
    /// file checked on its own).
    public static func parse(documents: [(path: String, text: String)], kinds: SpecKinds, resolvingReferences: Bool = true) throws -> [DesiredResource] {
        let parsed = ParallelMap.map(documents) { parseDocument($0.text, path: $0.path, kinds: kinds) }
        return try combine(parsed, resolvingReferences: resolvingReferences, kinds: kinds)
    }

    /// What a file holds: its resource (nil if it has problems), its problems, and its kind and name.
    typealias ParsedDocument = (resource: DesiredResource?, problems: [SpecDiagnostic], identity: (kind: String, name: String, source: SourceLocation)?)

    /// The resources of parsed files, in their order, once names are checked unique per kind and,
    /// `resolvingReferences`, every reference names a spec.
    private static func combine(_ parsed: [ParsedDocument], resolvingReferences: Bool, kinds: SpecKinds) throws -> [DesiredResource] {
        var diagnostics: [SpecDiagnostic] = []
        var resources: [DesiredResource] = []
        var identities: [(kind: String, name: String, source: SourceLocation)] = []
        for (resource, problems, identity) in parsed {
            diagnostics += problems
            if let resource { resources.append(resource) }
            if let identity { identities.append(identity) }
        }
        diagnostics += duplicateNames(in: identities)
        if resolvingReferences {
            diagnostics += SpecReferences.problems(in: resources, declared: identities.map { ($0.kind, $0.name) }, kinds: kinds)
        }
        guard diagnostics.isEmpty else {
            let ordered = diagnostics.sorted { ($0.location.path, $0.location.line, $0.location.column) < ($1.location.path, $1.location.line, $1.location.column) }
            throw SpecLoadError(diagnostics: ordered)
        }
        return resources
    }

    static func specFiles(in directory: String) -> [String] {
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        var paths: [String] = []
        for case let url as URL in enumerator where ["yaml", "yml"].contains(url.pathExtension) {
            let relative = url.path.dropFirst(root.path.count).drop(while: { $0 == "/" })
            paths.append(directory.hasSuffix("/") ? directory + relative : directory + "/" + relative)
        }
        return paths.sorted()
    }

    private static func duplicateNames(in identities: [(kind: String, name: String, source: SourceLocation)]) -> [SpecDiagnostic] {
        var first: [String: SourceLocation] = [:]
        var diagnostics: [SpecDiagnostic] = []
        for identity in identities {
            let key = "\(identity.kind)/\(identity.name)"
            if let earlier = first[key] {
                diagnostics.append(SpecDiagnostic(
                    identity.source,
                    "duplicate \(identity.kind) name '\(identity.name)': also defined at \(earlier); names must be unique per kind"
                ))
            } else {
                first[key] = identity.source
            }
        }
        return diagnostics
    }

    static func parseDocument(_ text: String, path: String, kinds: SpecKinds) -> ParsedDocument {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return (nil, [SpecDiagnostic(SourceLocation(path: path, line: 1, column: 1), "file is empty; it must describe one resource")], nil)
            }
            root = node
        } catch let error as YamlError {
            return (nil, [syntaxDiagnostic(error, path: path)], nil)
        } catch {
            return (nil, [SpecDiagnostic(SourceLocation(path: path, line: 1, column: 1), "cannot parse YAML: \(error)")], nil)
        }
        var reader = NodeReader(path: path)
        let resource = DocumentParser.resource(from: root, kinds: kinds, reader: &reader)
        return (reader.diagnostics.isEmpty ? resource : nil, reader.diagnostics, reader.identity)
    }

    private static func syntaxDiagnostic(_ error: YamlError, path: String) -> SpecDiagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return SpecDiagnostic(SourceLocation(path: path, line: mark.line, column: mark.column), "YAML syntax error: \(problem)")
        default:
            return SpecDiagnostic(SourceLocation(path: path, line: 1, column: 1), "YAML syntax error: \(error)")
        }
    }
}
