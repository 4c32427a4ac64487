/// The `spec` block of one resource: its fields by name, as the kind's parser read them. Fields left
/// out of the file are absent; the kind's field table says what absence means.
public struct ResourceSpec: Sendable, Hashable, Codable {
    public var fields: [String: SpecValue]

    public init(_ fields: [String: SpecValue] = [:]) {
        self.fields = fields
    }

    public subscript(_ field: String) -> SpecValue? {
        get { fields[field] }
        set { fields[field] = newValue }
    }

    public func string(_ field: String) -> String? { fields[field]?.text }
    public func bool(_ field: String, default value: Bool = false) -> Bool { fields[field]?.flag ?? value }
    public func integer(_ field: String) -> Int? { fields[field]?.number }
    public func strings(_ field: String) -> [String] { fields[field]?.items ?? [] }

    public init(from decoder: any Decoder) throws {
        fields = try decoder.singleValueContainer().decode([String: SpecValue].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fields)
    }
}

/// A spec field that names another spec: `attachTo: web-1`, `sshKeys: [deploy]`.
public struct SpecReference: Sendable, Hashable, Codable {
    /// The field as messages name it, with the item's index for a list (`sshKeys[0]`).
    public var field: String
    public var kind: ResourceKind
    public var name: String

    public init(field: String, kind: ResourceKind, name: String) {
        self.field = field
        self.kind = kind
        self.name = name
    }
}
