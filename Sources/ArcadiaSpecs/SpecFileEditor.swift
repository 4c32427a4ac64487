import Yams

/// A scalar or a list of strings, as a spec field's new value.
/// Why a spec file was left as it was: names the field and says to edit the file by hand.
public struct SpecEditError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ path: [String], _ problem: String) {
        description = "cannot edit \(path.joined(separator: ".")) in place: \(problem); edit the file by hand"
    }
}

/// Edits one field of a spec file in place, for `arcadia drift accept` and `arcadia drift ignore`.
///
/// Only the field's value changes: comments, key order, quoting, indentation, blank lines and line
/// endings stay byte for byte. The result is parsed again and compared with the original document; an
/// edit that would change anything else, or that cannot be made safely, throws instead.
public enum SpecFileEditor {
    /// `text` with the field at `path` (e.g. ["spec", "size"], ["policy", "drift"]) set to `value`;
    /// every byte outside the edited value unchanged. An absent field is added to its parent mapping
    /// (the parent created at the document's end when absent).
    public static func setting(_ path: [String], to value: SpecValue, in text: String) throws(SpecEditError) -> String {
        let document = try SpecDocument(text: text, path: path)
        let edits = try document.edits(setting: value)
        return try document.applying(edits, expecting: value)
    }

    /// `text` with `item` appended to the list at `path` (e.g. ["policy", "ignore"]), created when absent;
    /// unchanged if the list already holds it.
    public static func appending(_ item: String, toListAt path: [String], in text: String) throws(SpecEditError) -> String {
        let document = try SpecDocument(text: text, path: path)
        var items = [item]
        if case .existing(_, let node, _) = try document.target() {
            if case .sequence(let sequence) = node {
                let strings = sequence.compactMap { $0.tag.description == Tag.Name.str.rawValue ? $0.scalar?.string : nil }
                guard strings.count == sequence.count else { throw SpecEditError(path, "the list holds values that are not strings") }
                if strings.contains(item) { return text }
                items = strings + [item]
            } else if !SpecDocument.isEmptyNull(node) {
                throw SpecEditError(path, "it is not a list")
            }
        }
        let edits = try document.edits(setting: .strings(items))
        return try document.applying(edits, expecting: .strings(items))
    }
}
