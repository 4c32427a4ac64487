import NIOConcurrencyHelpers

/// A graceful stop for a worker: once draining, it starts no saga and no further step. A saga it
/// was running stops at its next step boundary, its lease given up, its ledger saying where it is,
/// for the next worker (the next leader) to go on with.
public final class Drain: Sendable {
    private let flag = NIOLockedValueBox(false)

    public init() {}

    public var isDraining: Bool { flag.withLockedValue { $0 } }

    public func start() { flag.withLockedValue { $0 = true } }
}
