/// One spec field's value, as a spec file writes it and as the state stores it: every kind's spec is
/// a mapping of field names to these, so the differ, the ledger and `drift accept` need no code per kind.
public enum SpecValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String), bool(Bool), integer(Int), strings([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .integer(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .strings(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .bool(let flag): try container.encode(flag)
        case .integer(let number): try container.encode(number)
        case .strings(let items): try container.encode(items)
        }
    }

    /// As plans and drift records show it: lists as `[a, b]`.
    public var description: String {
        switch self {
        case .string(let text): text
        case .bool(let flag): String(flag)
        case .integer(let number): String(number)
        case .strings(let items): "[" + items.joined(separator: ", ") + "]"
        }
    }

    public var text: String? { if case .string(let text) = self { text } else { nil } }
    public var flag: Bool? { if case .bool(let flag) = self { flag } else { nil } }
    public var number: Int? { if case .integer(let number) = self { number } else { nil } }
    public var items: [String]? { if case .strings(let items) = self { items } else { nil } }
}
