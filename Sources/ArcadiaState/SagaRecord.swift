import Foundation

/// A saga's lifecycle, as persisted.
///
/// `failed` is not final: the saga halted with work left (a compensation that kept failing, or a step
/// after its point of no return), holds no lease, and `arcadia sagas resume` takes it up again, in the
/// direction it was going. `superseded` ends a saga that resume found no longer wanted by the specs
/// before it had passed its point of no return; what it had done is compensated.
public enum SagaStatus: String, Sendable, Codable, CaseIterable {
    case pending, running, compensating, completed, rolledBack = "rolled_back", failed, cancelled, superseded

    /// Nothing more will happen to the saga.
    public var isFinal: Bool { [.completed, .rolledBack, .cancelled, .superseded].contains(self) }

    /// No worker holds the saga in this status: final, or halted until a resume.
    public var releasesLease: Bool { isFinal || self == .failed }
}

/// A step's lifecycle, as persisted. `compensationFailed` marks the step whose compensation a halted
/// (`failed`) saga must retry when resumed.
public enum StepStatus: String, Sendable, Codable, CaseIterable {
    case pending, running, completed, failed, compensating, compensated, compensationFailed = "compensation_failed"
}

public struct SagaStepRecord: Sendable, Hashable, Codable {
    public var position: Int
    public var name: String
    public var status: StepStatus
    public var attempts: Int
    public var error: String?
    public var startedAt: Date?
    public var finishedAt: Date?
    /// When the current attempt, forward or compensating, began: before the step acted.
    public var attemptStartedAt: Date?

    public init(position: Int, name: String, status: StepStatus = .pending, attempts: Int = 0, error: String? = nil,
                startedAt: Date? = nil, finishedAt: Date? = nil, attemptStartedAt: Date? = nil) {
        self.position = position
        self.name = name
        self.status = status
        self.attempts = attempts
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.attemptStartedAt = attemptStartedAt
    }
}

/// One saga: what it changes, where it is, and the context its steps share (JSON).
public struct SagaRecord: Sendable, Hashable, Codable {
    public var id: String
    /// `create`, `resize`, `update`, `replace`, `destroy`.
    public var kind: String
    public var resourceKind: String
    public var resourceName: String
    public var status: SagaStatus
    public var context: String
    public var error: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var steps: [SagaStepRecord]
    /// The worker holding the saga's lease, `host:pid:nonce`, and until when.
    public var owner: String?
    public var leaseExpiresAt: Date?
    /// An operator asked for it to be cancelled (`arcadia sagas cancel`).
    public var cancelRequested: Bool

    public init(id: String, kind: String, resourceKind: String, resourceName: String, status: SagaStatus = .pending,
                context: String, error: String? = nil, createdAt: Date = Date(), updatedAt: Date = Date(), steps: [SagaStepRecord],
                owner: String? = nil, leaseExpiresAt: Date? = nil, cancelRequested: Bool = false) {
        self.id = id
        self.kind = kind
        self.resourceKind = resourceKind
        self.resourceName = resourceName
        self.status = status
        self.context = context
        self.error = error
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.steps = steps
        self.owner = owner
        self.leaseExpiresAt = leaseExpiresAt
        self.cancelRequested = cancelRequested
    }
}
