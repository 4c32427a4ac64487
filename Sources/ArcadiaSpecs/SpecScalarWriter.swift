import Foundation
import Yams

/// Writes a string as a YAML scalar that reads back as the same string.
enum SpecScalarWriter {
    /// `value` in `style` when that style can hold it and it reads back as the same string; plain
    /// falls back to double quotes (`42`, `off`, `a: b`), single quotes fall back to double quotes
    /// for line breaks and control characters.
    static func text(_ value: String, preferring style: Node.Scalar.Style, inFlow: Bool) -> String {
        switch style {
        case .singleQuoted:
            singleQuoted(value) ?? doubleQuoted(value)
        case .doubleQuoted, .literal, .folded:
            doubleQuoted(value)
        case .plain, .any:
            isSafePlain(value, inFlow: inFlow) ? value : doubleQuoted(value)
        }
    }

    /// Whether `value` written bare reads back as the same string, in a block value or a flow list.
    static func isSafePlain(_ value: String, inFlow: Bool) -> Bool {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return false }
        guard !" \t".unicodeScalars.contains(first), !" \t".unicodeScalars.contains(last) else { return false }
        guard !"-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) else { return false }
        guard !value.unicodeScalars.contains(where: needsEscape), !value.contains("\t") else { return false }
        guard !value.contains(": "), !value.contains(" #"), !value.hasSuffix(":") else { return false }
        if inFlow, value.unicodeScalars.contains(where: { ",[]{}".unicodeScalars.contains($0) }) { return false }
        // The resolver decides the rest (`42`, `off`, `~`, `2001-12-14`, `.inf`): read it back.
        let probe = inFlow ? "[\(value)]" : "k: \(value)"
        guard let node = try? Yams.compose(yaml: probe) else { return false }
        let scalar = inFlow ? node.sequence.flatMap { $0.count == 1 ? $0.first : nil } : node.mapping?.first?.value
        guard let scalar, scalar.tag.description == Tag.Name.str.rawValue else { return false }
        return scalar.string == value
    }

    /// `'…'` with `''` for a quote, or nil when the string holds what single quotes cannot (line breaks, controls).
    static func singleQuoted(_ value: String) -> String? {
        guard !value.unicodeScalars.contains(where: needsEscape) else { return nil }
        return "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func doubleQuoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\0": result += "\\0"
            default:
                if needsEscape(scalar) {
                    result += scalar.value <= 0xFF
                        ? String(format: "\\x%02X", scalar.value) : String(format: "\\u%04X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Characters YAML does not allow printed as they are, or that would read as a line break or be dropped.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
            || (0xD800...0xDFFF).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }
}
