/// `GET /api/v1/drift/{id}/revert-preview`: the saga a revert of the record would run (its kind and
/// steps in order, what it cannot undo, the fields it moves), or why it cannot be reverted.
struct RevertPreview: Encodable, Sendable {
    struct FieldMove: Encodable, Sendable {
        var field: String
        var from: String?
        var to: String?
    }

    var driftID: Int
    var resource: String
    var field: String
    var revertible: Bool
    var reason: String?
    var sagaKind: String?
    var steps: [String] = []
    var irreversible: [String] = []
    var changes: [FieldMove] = []

    enum CodingKeys: String, CodingKey {
        case resource, field, revertible, reason, steps, irreversible, changes
        case driftID = "drift_id", sagaKind = "saga_kind"
    }
}
