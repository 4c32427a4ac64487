import Foundation

/// How `arcadia controller` runs, from its flags.
public struct ControllerSettings: Sendable {
    /// The spec folder: a git checkout (fetched and fast-forwarded each pass) or a plain directory.
    public var specs: String
    public var host: String
    public var port: Int
    /// Between reconcile passes; each wait is jittered by up to a tenth either way.
    public var interval: Duration
    /// Detect drift and report it, never apply.
    public var applyChanges: Bool
    public var gitRemote: String
    /// nil: the branch the checkout is on.
    public var gitBranch: String?
    /// Accept and ignore commit the spec edit, as the token's name, and push it.
    public var gitPush: Bool
    public var parallelism: Int
    /// Leader election, as controller-runtime's defaults: a 15 s lease, renewed every 10 s, tried for every 2 s.
    public var leaseDuration: Duration
    public var renewInterval: Duration
    public var retryPeriod: Duration
    /// How long a graceful shutdown lets running steps reach their next boundary before cancelling them.
    public var shutdownGrace: Duration

    public init(
        specs: String, host: String = "127.0.0.1", port: Int = 8080, interval: Duration = .seconds(300), applyChanges: Bool = true,
        gitRemote: String = "origin", gitBranch: String? = nil, gitPush: Bool = false, parallelism: Int = 10,
        leaseDuration: Duration = .seconds(15), renewInterval: Duration = .seconds(10), retryPeriod: Duration = .seconds(2),
        shutdownGrace: Duration = .seconds(20)
    ) {
        self.specs = specs
        self.host = host
        self.port = port
        self.interval = interval
        self.applyChanges = applyChanges
        self.gitRemote = gitRemote
        self.gitBranch = gitBranch
        self.gitPush = gitPush
        self.parallelism = parallelism
        self.leaseDuration = leaseDuration
        self.renewInterval = renewInterval
        self.retryPeriod = retryPeriod
        self.shutdownGrace = shutdownGrace
    }
}
