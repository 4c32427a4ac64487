import Yams

/// A spec file's bytes with a line table, for edits that must leave every other byte alone.
///
/// Works on UTF-8 bytes, not `Character`s: Swift joins `\r\n` into one character and a combining mark
/// into its base, so character offsets cannot be trusted for a byte-exact splice.
struct SpecSourceText {
    let bytes: [UInt8]
    /// The byte offset where each line starts; a line ends at its `\n` (a `\r` before it is part of the ending).
    let lineStarts: [Int]
    /// `\r\n` when the first line ends so, otherwise `\n`: new lines are written the way the file writes them.
    let lineEnding: [UInt8]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        lineStarts = starts
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), newline > 0, bytes[newline - 1] == UInt8(ascii: "\r") {
            lineEnding = Array("\r\n".utf8)
        } else {
            lineEnding = Array("\n".utf8)
        }
    }

    /// Whether a `\r` ends a line on its own (classic Mac endings), which the line table does not model.
    var hasLoneCarriageReturn: Bool {
        bytes.indices.contains { bytes[$0] == UInt8(ascii: "\r") && ($0 + 1 == bytes.count || bytes[$0 + 1] != UInt8(ascii: "\n")) }
    }

    var lineCount: Int { lineStarts.count }

    /// The byte offset a Yams mark points at. libyaml counts columns in Unicode scalars, so the column is
    /// walked over UTF-8 lead bytes, never added to the line's start.
    func offset(of mark: Mark?) -> Int? {
        guard let mark, mark.line >= 1, mark.line <= lineCount, mark.column >= 1 else { return nil }
        var offset = lineStarts[mark.line - 1]
        if mark.line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset += 3 }
        var remaining = mark.column - 1
        while remaining > 0 {
            guard offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") else { return nil }
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            remaining -= 1
        }
        return offset
    }

    /// The 0-based line holding `offset`.
    func line(of offset: Int) -> Int {
        var low = 0, high = lineCount - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Where the line's text ends, before its line ending.
    func contentEnd(ofLine line: Int) -> Int {
        var end = line + 1 < lineCount ? lineStarts[line + 1] - 1 : bytes.count
        if end > lineStarts[line], end - 1 < bytes.count, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return end
    }

    /// Where the next line starts, or the end of the file.
    func end(ofLine line: Int) -> Int {
        line + 1 < lineCount ? lineStarts[line + 1] : bytes.count
    }

    func hasLineEnding(_ line: Int) -> Bool { line + 1 < lineCount }

    /// The number of leading spaces.
    func indent(ofLine line: Int) -> Int {
        var offset = lineStarts[line]
        while offset < bytes.count, bytes[offset] == UInt8(ascii: " ") { offset += 1 }
        return offset - lineStarts[line]
    }

    /// Whether the line holds nothing but whitespace or a comment.
    func isBlankOrComment(_ line: Int) -> Bool {
        let start = lineStarts[line] + indent(ofLine: line)
        var offset = start
        while offset < contentEnd(ofLine: line), bytes[offset] == UInt8(ascii: "\t") { offset += 1 }
        return offset >= contentEnd(ofLine: line) || bytes[offset] == UInt8(ascii: "#")
    }

    /// Whether the line starts with a document marker (`---` or `...`).
    func isDocumentMarker(_ line: Int) -> Bool {
        let start = lineStarts[line]
        let text = bytes[start..<contentEnd(ofLine: line)]
        return text.starts(with: Array("---".utf8)) || text.starts(with: Array("...".utf8))
    }

    /// Where a single-line scalar that starts at `start` ends (exclusive), or nil when it does not end on its line.
    func scalarEnd(from start: Int, style: Node.Scalar.Style, inFlow: Bool) -> Int? {
        let lineEnd = contentEnd(ofLine: line(of: start))
        switch style {
        case .singleQuoted:
            var offset = start + 1
            while offset < lineEnd {
                if bytes[offset] == UInt8(ascii: "'") {
                    if offset + 1 < lineEnd, bytes[offset + 1] == UInt8(ascii: "'") { offset += 2; continue }
                    return offset + 1
                }
                offset += 1
            }
            return nil
        case .doubleQuoted:
            var offset = start + 1
            while offset < lineEnd {
                if bytes[offset] == UInt8(ascii: "\\") { offset += 2; continue }
                if bytes[offset] == UInt8(ascii: "\"") { return offset + 1 }
                offset += 1
            }
            return nil
        case .plain, .any:
            var offset = start
            while offset < lineEnd {
                let byte = bytes[offset]
                let next = offset + 1 < lineEnd ? bytes[offset + 1] : UInt8(ascii: " ")
                if byte == UInt8(ascii: "#"), offset > start, Self.isBlank(bytes[offset - 1]) { break }
                if byte == UInt8(ascii: ":"), Self.isBlank(next) || (inFlow && Self.isFlowIndicator(next)) { break }
                if inFlow, Self.isFlowIndicator(byte) { break }
                offset += 1
            }
            while offset > start, Self.isBlank(bytes[offset - 1]) { offset -= 1 }
            return offset
        case .literal, .folded:
            return nil
        }
    }

    /// The offset of the `]` or `}` that closes the flow collection opened at `open`, skipping quoted
    /// scalars and comments.
    func matchingClose(from open: Int) -> Int? {
        var depth = 0
        var offset = open
        var previous = UInt8(ascii: " ")
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return offset }
            case UInt8(ascii: "'") where Self.opensToken(after: previous), UInt8(ascii: "\"") where Self.opensToken(after: previous):
                guard let end = quotedEnd(from: offset) else { return nil }
                offset = end
                previous = bytes[end - 1]
                continue
            case UInt8(ascii: "#") where Self.isBlank(previous):
                while offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
                continue
            default:
                break
            }
            previous = byte
            offset += 1
        }
        return nil
    }

    /// The end of a quoted scalar that may span lines (inside a flow collection).
    private func quotedEnd(from start: Int) -> Int? {
        let quote = bytes[start]
        var offset = start + 1
        while offset < bytes.count {
            if quote == UInt8(ascii: "\""), bytes[offset] == UInt8(ascii: "\\") { offset += 2; continue }
            if bytes[offset] == quote {
                if quote == UInt8(ascii: "'"), offset + 1 < bytes.count, bytes[offset + 1] == quote { offset += 2; continue }
                return offset + 1
            }
            offset += 1
        }
        return nil
    }

    /// Whether a quote after `previous` starts a quoted scalar rather than sitting inside a plain one.
    static func opensToken(after previous: UInt8) -> Bool {
        isBlank(previous) || isFlowIndicator(previous) || previous == UInt8(ascii: ":")
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    static func isFlowIndicator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
    }
}
