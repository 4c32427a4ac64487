import Yams

/// One byte range of a spec file and what replaces it.
struct SpecTextEdit {
    var range: Range<Int>
    var bytes: [UInt8]

    init(_ range: Range<Int>, _ text: String) {
        self.range = range
        bytes = Array(text.utf8)
    }

    init(_ range: Range<Int>, bytes: [UInt8]) {
        self.range = range
        self.bytes = bytes
    }
}

/// A spec file composed by Yams beside its bytes, and the edits that set one field of it.
struct SpecDocument {
    /// Where the field at `path` stands in the document.
    enum Target {
        /// The field is written; `inFlow` when it sits inside a flow collection (`{…}`, `[…]`).
        case existing(key: Node, value: Node, inFlow: Bool)
        /// The field is absent: `rest` (the field and any missing parents) goes into `parent`, a mapping
        /// or the empty value of `parentKey` (`policy:` with nothing after it).
        case absent(parent: Node, parentKey: Node?, rest: ArraySlice<String>, inFlow: Bool)
    }

    let path: [String]
    let source: SpecSourceText
    let root: Node
    /// Kept alive so that the nodes' weak `anchor` references still answer whether a node is anchored.
    private let parser: Parser

    init(text: String, path: [String]) throws(SpecEditError) {
        self.path = path
        guard !path.isEmpty else { throw SpecEditError(path, "no field named") }
        source = SpecSourceText(text)
        guard !source.hasLoneCarriageReturn else { throw SpecEditError(path, "the file ends lines with a bare carriage return") }
        (parser, root) = try Self.compose(text, path: path)
        guard root.mapping != nil else { throw SpecEditError(path, "the document is not a mapping") }
    }

    static func compose(_ text: String, path: [String]) throws(SpecEditError) -> (Parser, Node) {
        do {
            let parser = try Parser(yaml: text)
            guard let root = try parser.nextRoot() else { throw SpecEditError(path, "the file is empty") }
            guard try parser.nextRoot() == nil else { throw SpecEditError(path, "the file holds more than one YAML document") }
            return (parser, root)
        } catch let error as SpecEditError {
            throw error
        } catch {
            throw SpecEditError(path, "the file is not valid YAML (\(error))")
        }
    }

    /// A key with nothing after it (`policy:`), which reads as null.
    static func isEmptyNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.string.isEmpty && scalar.style == .plain && node.tag.description == Tag.Name.null.rawValue
    }

    /// Whether a collection is written in flow style (`[…]`, `{…}`), read from the file: Yams 6 takes a
    /// collection's style from its end event, which does not carry one.
    func isFlow(_ node: Node) -> Bool {
        guard let offset = source.offset(of: node.mark), offset < source.bytes.count else { return false }
        return source.bytes[offset] == UInt8(ascii: "[") || source.bytes[offset] == UInt8(ascii: "{")
    }

    // MARK: Finding the field

    func target() throws(SpecEditError) -> Target {
        var node = root
        var key: Node?
        var inFlow = false
        for (index, name) in path.enumerated() {
            let here = Array(path[..<index]).joined(separator: ".")
            try refuseProperties(of: node, recursive: false)
            if Self.isEmptyNull(node), key != nil {
                return .absent(parent: node, parentKey: key, rest: path[index...], inFlow: inFlow)
            }
            guard case .mapping(let mapping) = node else {
                throw SpecEditError(path, "\(here.isEmpty ? "the document" : here) is not a mapping")
            }
            if mapping.contains(where: { $0.key.tag.description == Tag.Name.merge.rawValue || $0.key.scalar?.string == "<<" }) {
                throw SpecEditError(path, "\(here.isEmpty ? "the document" : here) uses a merge key (<<)")
            }
            let matches = mapping.filter { $0.key.scalar?.string == name }
            guard matches.count <= 1 else { throw SpecEditError(path, "'\(name)' is written more than once") }
            inFlow = inFlow || isFlow(node)
            guard let pair = matches.first else {
                return .absent(parent: node, parentKey: key, rest: path[index...], inFlow: inFlow)
            }
            try refuseProperties(of: pair.key, recursive: false)
            key = pair.key
            node = pair.value
        }
        try refuseProperties(of: node, recursive: true)
        guard let key else { throw SpecEditError(path, "no field named") }
        return .existing(key: key, value: node, inFlow: inFlow)
    }

    /// Anchors, aliases and tags are refused: an alias shares its value with another place in the file,
    /// and a tag changes what the written text means.
    private func refuseProperties(of node: Node, recursive: Bool) throws(SpecEditError) {
        let anchored: Bool
        switch node {
        case .scalar(let scalar): anchored = scalar.anchor != nil
        case .mapping(let mapping): anchored = mapping.anchor != nil
        case .sequence(let sequence): anchored = sequence.anchor != nil
        case .alias: anchored = true
        }
        if anchored { throw SpecEditError(path, "the path goes through an anchor (&) or alias (*)") }
        if let offset = source.offset(of: node.mark), offset < source.bytes.count {
            switch source.bytes[offset] {
            case UInt8(ascii: "&"), UInt8(ascii: "*"): throw SpecEditError(path, "the path goes through an anchor (&) or alias (*)")
            case UInt8(ascii: "!"): throw SpecEditError(path, "the path goes through an explicit tag (!)")
            default: break
            }
        }
        guard recursive else { return }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                try refuseProperties(of: key, recursive: true)
                try refuseProperties(of: value, recursive: true)
            }
        case .sequence(let sequence):
            for item in sequence { try refuseProperties(of: item, recursive: true) }
        case .scalar, .alias:
            break
        }
    }

    // MARK: Making the edits

    func edits(setting value: SpecValue) throws(SpecEditError) -> [SpecTextEdit] {
        switch try target() {
        case .existing(let key, let node, let inFlow):
            return try replacing(node, key: key, with: value, inFlow: inFlow)
        case .absent(let parent, let parentKey, let rest, let inFlow):
            return try adding(rest, value: value, to: parent, parentKey: parentKey, inFlow: inFlow)
        }
    }

    private func replacing(_ node: Node, key: Node, with value: SpecValue, inFlow: Bool) throws(SpecEditError) -> [SpecTextEdit] {
        switch node {
        case .scalar(let scalar):
            if Self.isEmptyNull(node) {
                let colon = try colonEnd(after: key, inFlow: inFlow)
                return [SpecTextEdit(colon..<colon, " " + Self.render(value, preferring: .plain, inFlow: inFlow))]
            }
            if scalar.style == .literal || scalar.style == .folded {
                throw SpecEditError(path, "the value is a block scalar (| or >)")
            }
            let range = try scalarRange(of: node, inFlow: inFlow)
            return [SpecTextEdit(range, Self.render(value, preferring: scalar.style, inFlow: inFlow))]
        case .sequence(let sequence):
            guard case .strings(let items) = value else {
                throw SpecEditError(path, "the value is a list and the new value is not")
            }
            return isFlow(node)
                ? try flowListEdits(sequence, items: items)
                : try blockListEdits(sequence, items: items)
        case .mapping:
            throw SpecEditError(path, "the value is a mapping")
        case .alias:
            throw SpecEditError(path, "the path goes through an anchor (&) or alias (*)")
        }
    }

    static func render(_ value: SpecValue, preferring style: Node.Scalar.Style, inFlow: Bool) -> String {
        switch value {
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .string(let text): SpecScalarWriter.text(text, preferring: style, inFlow: inFlow)
        case .strings(let items): "[" + items.map { SpecScalarWriter.text($0, preferring: .plain, inFlow: true) }.joined(separator: ", ") + "]"
        }
    }

    /// The bytes of a single-line scalar, checked against what Yams read there.
    private func scalarRange(of node: Node, inFlow: Bool) throws(SpecEditError) -> Range<Int> {
        guard case .scalar(let scalar) = node, let start = source.offset(of: scalar.mark),
              let end = source.scalarEnd(from: start, style: scalar.style, inFlow: inFlow), end > start
        else { throw SpecEditError(path, "a value spans several lines or could not be located") }
        let written = String(decoding: source.bytes[start..<end], as: UTF8.self)
        let reread = scalar.style == .plain ? written : (try? Yams.compose(yaml: written))?.scalar?.string
        guard reread == scalar.string else { throw SpecEditError(path, "a value spans several lines or could not be located") }
        return start..<end
    }

    /// Just after the `:` that follows `key`.
    private func colonEnd(after key: Node, inFlow: Bool) throws(SpecEditError) -> Int {
        var offset = try scalarRange(of: key, inFlow: inFlow).upperBound
        let lineEnd = source.contentEnd(ofLine: source.line(of: offset))
        while offset < lineEnd, source.bytes[offset] == UInt8(ascii: " ") || source.bytes[offset] == UInt8(ascii: "\t") { offset += 1 }
        guard offset < lineEnd, source.bytes[offset] == UInt8(ascii: ":") else {
            throw SpecEditError(path, "the key's ':' is not on the key's line")
        }
        return offset + 1
    }

    /// Items kept where they are equal, replaced in place where they differ, then added after the last or
    /// removed from its end, so each item keeps its quoting and the spacing around it.
    private func flowListEdits(_ sequence: Node.Sequence, items: [String]) throws(SpecEditError) -> [SpecTextEdit] {
        guard let open = source.offset(of: sequence.mark), source.bytes[open] == UInt8(ascii: "["),
              let close = source.matchingClose(from: open)
        else { throw SpecEditError(path, "the list's brackets could not be located") }
        let old = Array(sequence)
        if items.isEmpty { return [SpecTextEdit(open..<close + 1, "[]")] }
        let written = items.map { SpecScalarWriter.text($0, preferring: .plain, inFlow: true) }
        if old.isEmpty { return [SpecTextEdit(open + 1..<close, written.joined(separator: ", "))] }
        var ranges: [Range<Int>] = []
        for item in old { ranges.append(try scalarRange(of: item, inFlow: true)) }
        var edits: [SpecTextEdit] = []
        for index in 0..<min(old.count, items.count) where old[index].scalar?.string != items[index] {
            let style = old[index].scalar?.style ?? .plain
            edits.append(SpecTextEdit(ranges[index], SpecScalarWriter.text(items[index], preferring: style, inFlow: true)))
        }
        if items.count > old.count {
            let end = ranges[old.count - 1].upperBound
            edits.append(SpecTextEdit(end..<end, written[old.count...].map { ", " + $0 }.joined()))
        } else if items.count < old.count {
            edits.append(SpecTextEdit(ranges[items.count - 1].upperBound..<ranges[old.count - 1].upperBound, ""))
        }
        return edits
    }

    /// As ``flowListEdits(_:items:)``, one `- item` line per item at the list's own indentation.
    private func blockListEdits(_ sequence: Node.Sequence, items: [String]) throws(SpecEditError) -> [SpecTextEdit] {
        guard let dash = source.offset(of: sequence.mark), source.bytes[dash] == UInt8(ascii: "-") else {
            throw SpecEditError(path, "the list's first '-' could not be located")
        }
        guard !items.isEmpty else { throw SpecEditError(path, "an empty list cannot be written in block style") }
        let dashColumn = dash - source.lineStarts[source.line(of: dash)]
        let old = Array(sequence)
        var ranges: [Range<Int>] = []
        var lines: [Int] = []
        for item in old {
            let range = try scalarRange(of: item, inFlow: false)
            let line = source.line(of: range.lowerBound)
            guard source.indent(ofLine: line) == dashColumn, source.bytes[source.lineStarts[line] + dashColumn] == UInt8(ascii: "-") else {
                throw SpecEditError(path, "each list item must sit on its own '- ' line")
            }
            ranges.append(range)
            lines.append(line)
        }
        var edits: [SpecTextEdit] = []
        for index in 0..<min(old.count, items.count) where old[index].scalar?.string != items[index] {
            let style = old[index].scalar?.style ?? .plain
            edits.append(SpecTextEdit(ranges[index], SpecScalarWriter.text(items[index], preferring: style, inFlow: false)))
        }
        let indent = String(repeating: " ", count: dashColumn)
        if items.count > old.count {
            let added = items[old.count...].map { indent + "- " + SpecScalarWriter.text($0, preferring: .plain, inFlow: false) }
            edits.append(insertion(after: lines[old.count - 1], lines: added))
        } else if items.count < old.count {
            let lastLine = lines[old.count - 1]
            let range = source.hasLineEnding(lastLine)
                ? source.lineStarts[lines[items.count]]..<source.end(ofLine: lastLine)
                : source.contentEnd(ofLine: lines[items.count - 1])..<source.bytes.count
            edits.append(SpecTextEdit(range, ""))
        }
        return edits
    }

    /// New lines after `line`, written with the file's line ending; at a last line without one, the
    /// file still ends without one.
    private func insertion(after line: Int, lines: [String]) -> SpecTextEdit {
        let ending = source.lineEnding
        var bytes: [UInt8] = []
        if source.hasLineEnding(line) {
            for text in lines { bytes += Array(text.utf8) + ending }
            return SpecTextEdit(source.end(ofLine: line)..<source.end(ofLine: line), bytes: bytes)
        }
        for text in lines { bytes += ending + Array(text.utf8) }
        return SpecTextEdit(source.bytes.count..<source.bytes.count, bytes: bytes)
    }

    // MARK: Adding an absent field

    private func adding(
        _ rest: ArraySlice<String>, value: SpecValue, to parent: Node, parentKey: Node?, inFlow: Bool
    ) throws(SpecEditError) -> [SpecTextEdit] {
        switch parent {
        case .mapping(let mapping) where isFlow(parent):
            guard let open = source.offset(of: mapping.mark), source.bytes[open] == UInt8(ascii: "{"),
                  let close = source.matchingClose(from: open)
            else { throw SpecEditError(path, "the mapping's braces could not be located") }
            let entry = flowEntry(rest, value: value)
            var end = close
            while end > open + 1, SpecSourceText.isBlank(source.bytes[end - 1]) { end -= 1 }
            if end == open + 1 { return [SpecTextEdit(open + 1..<close, entry)] }
            return [SpecTextEdit(end..<end, ", " + entry)]
        case .mapping(let mapping):
            guard let firstKey = mapping.first?.key, let lastKey = mapping.reversed().first?.key,
                  let first = source.offset(of: firstKey.mark), let last = source.offset(of: lastKey.mark)
            else { throw SpecEditError(path, "the mapping's keys could not be located") }
            let keyColumn = first - source.lineStarts[source.line(of: first)]
            return [insertion(after: endLine(ofMappingFrom: source.line(of: last), keyColumn: keyColumn),
                              lines: blockEntry(rest, value: value, column: keyColumn))]
        case .scalar where !inFlow:
            guard let parentKey, let offset = source.offset(of: parentKey.mark) else {
                throw SpecEditError(path, "the parent's key could not be located")
            }
            let line = source.line(of: offset)
            let column = offset - source.lineStarts[line] + indentationUnit()
            _ = try colonEnd(after: parentKey, inFlow: false)
            return [insertion(after: line, lines: blockEntry(rest, value: value, column: column))]
        default:
            throw SpecEditError(path, "its parent is not a mapping")
        }
    }

    /// The last line of a block mapping's last entry: lines after its key that are indented deeper, or are
    /// an indentless `- item` list of that key; blank and comment lines after it are left below.
    private func endLine(ofMappingFrom lastKeyLine: Int, keyColumn: Int) -> Int {
        var end = lastKeyLine
        var line = lastKeyLine + 1
        while line < source.lineCount {
            defer { line += 1 }
            if source.isDocumentMarker(line) { break }
            if source.isBlankOrComment(line) { continue }
            let indent = source.indent(ofLine: line)
            let start = source.lineStarts[line] + indent
            let isDash = source.bytes[start] == UInt8(ascii: "-")
                && (start + 1 >= source.contentEnd(ofLine: line) || SpecSourceText.isBlank(source.bytes[start + 1]))
            guard indent > keyColumn || (indent == keyColumn && isDash) else { break }
            end = line
        }
        return end
    }

    private func flowEntry(_ rest: ArraySlice<String>, value: SpecValue) -> String {
        guard let name = rest.first else { return "" }
        let key = SpecScalarWriter.text(name, preferring: .plain, inFlow: true)
        if rest.count == 1 { return key + ": " + Self.render(value, preferring: .plain, inFlow: true) }
        return key + ": {" + flowEntry(rest.dropFirst(), value: value) + "}"
    }

    private func blockEntry(_ rest: ArraySlice<String>, value: SpecValue, column: Int) -> [String] {
        guard let name = rest.first else { return [] }
        let indent = String(repeating: " ", count: column)
        let key = SpecScalarWriter.text(name, preferring: .plain, inFlow: false)
        if rest.count == 1 { return [indent + key + ": " + Self.render(value, preferring: .plain, inFlow: false)] }
        return [indent + key + ":"] + blockEntry(rest.dropFirst(), value: value, column: column + indentationUnit())
    }

    /// How far the file indents a nested mapping under its key (2 unless the file shows otherwise).
    private func indentationUnit() -> Int {
        guard case .mapping(let mapping) = root else { return 2 }
        for (key, value) in mapping {
            guard case .mapping(let child) = value, !isFlow(value), let childKey = child.first?.key,
                  let parentOffset = source.offset(of: key.mark), let childOffset = source.offset(of: childKey.mark)
            else { continue }
            let unit = (childOffset - source.lineStarts[source.line(of: childOffset)])
                - (parentOffset - source.lineStarts[source.line(of: parentOffset)])
            if unit > 0 { return unit }
        }
        return 2
    }
}
