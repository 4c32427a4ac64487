/// What a token may do. Each role may do everything the ones below it may: `viewer` reads;
/// `operator` also reverts, ignores and reconciles; `platform_admin` also accepts drift into the specs.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case viewer
    case `operator`
    case platformAdmin = "platform_admin"

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .platformAdmin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.rank < rhs.rank
    }

    /// Whether this role may do what `required` may.
    public func includes(_ required: Role) -> Bool {
        self >= required
    }
}
