import Yams

extension SpecDocument {
    /// The edited text, after checking that it parses, that the field reads as `expected`, and that
    /// every other node of the document is what it was.
    func applying(_ edits: [SpecTextEdit], expecting expected: SpecValue) throws(SpecEditError) -> String {
        var bytes = source.bytes
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(edit.range, with: edit.bytes)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let edited: Node
        do {
            (_, edited) = try Self.compose(text, path: path)
        } catch {
            throw SpecEditError(path, "the edit would not parse (\(error.description))")
        }
        guard Self.matches(edited, original: root, path: path[...], expected: expected) else {
            throw SpecEditError(path, "the edit would change more than the field (an internal check failed)")
        }
        return text
    }

    /// Whether `edited` is `original` with the field at `path` set to `expected`.
    static func matches(_ edited: Node, original: Node?, path: ArraySlice<String>, expected: SpecValue) -> Bool {
        guard let name = path.first else { return matches(edited, expected) }
        guard case .mapping(let editedMapping) = edited else { return false }
        let editedPairs = Array(editedMapping)
        guard case .mapping(let originalMapping) = original else {
            // Absent or an empty value before: now a mapping of just the path.
            if let original, !isEmptyNull(original) { return false }
            return editedPairs.count == 1 && editedPairs[0].key.scalar?.string == name
                && matches(editedPairs[0].value, original: nil, path: path.dropFirst(), expected: expected)
        }
        let originalPairs = Array(originalMapping)
        if let index = originalPairs.firstIndex(where: { $0.key.scalar?.string == name }) {
            guard editedPairs.count == originalPairs.count else { return false }
            for (offset, pair) in originalPairs.enumerated() where offset != index {
                guard editedPairs[offset].key == pair.key, editedPairs[offset].value == pair.value else { return false }
            }
            return editedPairs[index].key == originalPairs[index].key
                && matches(editedPairs[index].value, original: originalPairs[index].value, path: path.dropFirst(), expected: expected)
        }
        guard editedPairs.count == originalPairs.count + 1, let added = editedPairs.last, added.key.scalar?.string == name else { return false }
        for (offset, pair) in originalPairs.enumerated() {
            guard editedPairs[offset].key == pair.key, editedPairs[offset].value == pair.value else { return false }
        }
        return matches(added.value, original: nil, path: path.dropFirst(), expected: expected)
    }

    private static func matches(_ node: Node, _ expected: SpecValue) -> Bool {
        let tag = node.tag.description
        switch expected {
        case .string(let text):
            return tag == Tag.Name.str.rawValue && node.scalar?.string == text
        case .bool(let flag):
            return tag == Tag.Name.bool.rawValue && node.bool == flag
        case .integer(let number):
            return tag == Tag.Name.int.rawValue && node.int == number
        case .strings(let items):
            guard case .sequence(let sequence) = node, sequence.count == items.count else { return false }
            return zip(sequence, items).allSatisfy { $0.tag.description == Tag.Name.str.rawValue && $0.scalar?.string == $1 }
        }
    }
}
