import ArcadiaSpecs
import Foundation

/// The `--json` form of a plan, and what `--out FILE` saves: format version 2. Version 2 made errors
/// and warnings objects (``Diagnostic``: code, severity, kind, name, file, line, column, message)
/// instead of strings with the position in the text, and added `blocked`.
public struct PlanDocument: Sendable, Codable, Hashable {
    public struct FieldEntry: Sendable, Codable, Hashable {
        public var field: String
        public var from: String?
        public var to: String?
        /// The replace (`Kind/name`) whose saga makes this move; this change only records it.
        public var movedBy: String?

        enum CodingKeys: String, CodingKey {
            case field, from, to
            case movedBy = "moved_by"
        }
    }

    public struct ChangeEntry: Sendable, Codable, Hashable {
        public var action: String
        public var kind: String
        public var name: String
        public var fields: [FieldEntry]
        public var steps: [String]
        public var irreversible: [String]
        /// For a droplet's replace: what names the droplet and moves to the new one before the old
        /// one is destroyed (`Kind/name`); absent when nothing does.
        public var moves: [String]?
    }

    public struct DriftEntry: Sendable, Codable, Hashable {
        public var kind: String
        public var name: String
        public var field: String
        public var expected: String
        public var actual: String
        public var revertPlanned: Bool

        enum CodingKeys: String, CodingKey {
            case kind, name, field, expected, actual
            case revertPlanned = "revert_planned"
        }
    }

    public struct BlockedEntry: Sendable, Codable, Hashable {
        public var kind: String
        public var name: String
        public var reason: String
        public var sagaID: String?

        enum CodingKeys: String, CodingKey {
            case kind, name, reason
            case sagaID = "saga_id"
        }
    }

    public var formatVersion: String
    public var fingerprint: String
    public var changes: [ChangeEntry]
    public var drift: [DriftEntry]
    public var errors: [Diagnostic]
    public var warnings: [Diagnostic]
    public var unmanaged: Int
    /// Resources left alone.
    public var blocked: [BlockedEntry]
    /// The `--target`s (`KIND/NAME`) the plan is limited to; absent for a whole plan. `apply FILE`
    /// plans again with the same targets.
    public var targets: [String]?

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case fingerprint, changes, drift, errors, warnings, unmanaged, blocked, targets
    }

    public init(_ plan: Plan) {
        formatVersion = Self.currentFormat
        fingerprint = plan.fingerprint
        changes = plan.changes.map { planned in
            ChangeEntry(
                action: planned.change.action.rawValue,
                kind: planned.change.kind.rawValue,
                name: planned.change.name,
                fields: planned.change.fields.map { FieldEntry(field: $0.field, from: $0.from, to: $0.to, movedBy: $0.movedBy) },
                steps: planned.steps,
                irreversible: planned.irreversible,
                moves: planned.change.dependents.map { $0.map(\.key) }
            )
        }
        drift = plan.drift.map {
            DriftEntry(kind: $0.kind.rawValue, name: $0.name, field: $0.field, expected: $0.expected, actual: $0.actual, revertPlanned: $0.isRevertPlanned)
        }
        errors = plan.errors
        warnings = plan.warnings
        unmanaged = plan.unmanagedCount
        blocked = plan.blocked.map { BlockedEntry(kind: $0.kind.rawValue, name: $0.name, reason: $0.reason, sagaID: $0.sagaID) }
        targets = plan.targets.isEmpty ? nil : plan.targets
    }

    public static let currentFormat = "2"

    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Strings, integers and arrays of them: encoding cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }
}
