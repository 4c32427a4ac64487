import ArcadiaSpecs
import ArcadiaCore
import Foundation

extension Importer {
    /// The spec name for a live resource: its DigitalOcean name, or for a reserved IP (which has none)
    /// `ip-` and its address with dashes.
    static func specName(_ live: LiveResource) -> String {
        live.kind == .reservedIP ? "ip-" + live.id.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() : live.name
    }

    /// `NAME.yaml` with anything but letters, digits, `.`, `_` and `-` made `-`; `NAME-kind.yaml` when
    /// another resource of this import took the name.
    static func filePath(for kind: ResourceKind, name: String, in folder: String, taken: Set<String>) -> String {
        let base = String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
        let plain = (folder as NSString).appendingPathComponent(base + ".yaml")
        guard taken.contains(plain) else { return plain }
        return (folder as NSString).appendingPathComponent(base + "-" + kind.rawValue.lowercased() + ".yaml")
    }

    /// The spec files under `folder` (none when it does not exist yet).
    static func specDocuments(in folder: String) throws -> [(path: String, text: String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
              let enumerator = FileManager.default.enumerator(atPath: folder)
        else { return [] }
        var documents: [(path: String, text: String)] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { continue }
            let path = (folder as NSString).appendingPathComponent(relative)
            documents.append((path, try String(contentsOfFile: path, encoding: .utf8)))
        }
        return documents.sorted { $0.path < $1.path }
    }

    /// Parses the new files beside the existing ones, as `arcadia validate` will: the new ones' problems
    /// refuse the import. Returns each new file's resource by path.
    static func check(_ new: [(path: String, text: String)], beside existing: [(path: String, text: String)]) throws -> [String: DesiredResource] {
        let newPaths = Set(new.map(\.path))
        let existingPaths = Set(existing.map(\.path))
        do {
            let resources = try SpecLoader.parse(documents: existing.filter { !newPaths.contains($0.path) } + new, kinds: Kinds.specs)
            return Dictionary(resources.filter { newPaths.contains($0.source.path) }.map { ($0.source.path, $0) }, uniquingKeysWith: { a, _ in a })
        } catch let error as SpecLoadError {
            let own = error.diagnostics.filter { !existingPaths.contains($0.location.path) }
            throw Importer.Refused(problems: (own.isEmpty ? error.diagnostics : own).map { "\($0)" })
        }
    }
}
