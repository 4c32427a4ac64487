import ArcadiaState
import Foundation

/// A saga as `sagas list --json` and `sagas show --json` print it: the record, with its context as
/// a JSON object (the ledger keeps it as text, with specs nested as text inside) instead of a string.
public struct SagaJSON: Encodable, Sendable {
    public let saga: SagaRecord

    public init(_ saga: SagaRecord) {
        self.saga = saga
    }

    private enum CodingKeys: String, CodingKey {
        case id, kind, resourceKind, resourceName, status, context, error, createdAt, updatedAt, steps, owner,
            leaseExpiresAt, cancelRequested
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(saga.id, forKey: .id)
        try container.encode(saga.kind, forKey: .kind)
        try container.encode(saga.resourceKind, forKey: .resourceKind)
        try container.encode(saga.resourceName, forKey: .resourceName)
        try container.encode(saga.status, forKey: .status)
        try container.encode(JSONTree(text: saga.context), forKey: .context)
        try container.encodeIfPresent(saga.error, forKey: .error)
        try container.encode(saga.createdAt, forKey: .createdAt)
        try container.encode(saga.updatedAt, forKey: .updatedAt)
        try container.encode(saga.steps, forKey: .steps)
        try container.encodeIfPresent(saga.owner, forKey: .owner)
        try container.encodeIfPresent(saga.leaseExpiresAt, forKey: .leaseExpiresAt)
        try container.encode(saga.cancelRequested, forKey: .cancelRequested)
    }
}

/// Any JSON value, read from text; a string that holds a JSON object or array is read as one too.
public enum JSONTree: Encodable, Sendable {
    case object([String: JSONTree]), array([JSONTree]), string(String), number(NSNumber), bool(Bool), null

    public init(text: String) {
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            self = .string(text)
            return
        }
        self.init(value)
    }

    init(_ value: Any) {
        switch value {
        case let object as [String: Any]: self = .object(object.mapValues(JSONTree.init))
        case let array as [Any]: self = .array(array.map(JSONTree.init))
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            self = trimmed.hasPrefix("{") || trimmed.hasPrefix("[") ? JSONTree(text: text) : .string(text)
        case let number as NSNumber:
            // JSONSerialization's true and false are the numbers of C type `char`.
            self = String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number)
        default: self = .null
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .object(let object): try container.encode(object)
        case .array(let array): try container.encode(array)
        case .string(let text): try container.encode(text)
        case .number(let number):
            if let integer = Int(exactly: number.doubleValue) { try container.encode(integer) } else { try container.encode(number.doubleValue) }
        case .bool(let flag): try container.encode(flag)
        case .null: try container.encodeNil()
        }
    }
}
