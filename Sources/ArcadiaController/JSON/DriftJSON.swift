import ArcadiaState
import Foundation

/// A drift record as `drift list --json` and `drift show --json` print it, in the names the HTTP API
/// will serve: `{id, resource_id, resource_name, resource_kind, field, expected, actual, status,
/// detected_at, last_seen_at, resolved_at, resolved_by, cause}`.
public struct DriftJSON: Encodable, Sendable {
    public let record: DriftRecord

    public init(_ record: DriftRecord) {
        self.record = record
    }

    private enum CodingKeys: String, CodingKey {
        case id, field, expected, actual, status, cause
        case resourceID = "resource_id", resourceName = "resource_name", resourceKind = "resource_kind"
        case detectedAt = "detected_at", lastSeenAt = "last_seen_at", resolvedAt = "resolved_at", resolvedBy = "resolved_by"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.id, forKey: .id)
        try container.encode(record.resourceID, forKey: .resourceID)
        try container.encode(record.name, forKey: .resourceName)
        try container.encode(record.kind, forKey: .resourceKind)
        try container.encode(record.field, forKey: .field)
        try container.encode(record.expected, forKey: .expected)
        try container.encode(record.actual, forKey: .actual)
        try container.encode(record.status, forKey: .status)
        try container.encode(record.detectedAt, forKey: .detectedAt)
        try container.encode(record.lastSeenAt, forKey: .lastSeenAt)
        try container.encode(record.resolvedAt, forKey: .resolvedAt)
        try container.encode(record.resolvedBy, forKey: .resolvedBy)
        try container.encode(record.cause, forKey: .cause)
    }
}
