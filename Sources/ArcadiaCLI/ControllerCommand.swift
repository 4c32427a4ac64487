import ArgumentParser
import ArcadiaController
import ArcadiaSagas
import ArcadiaState
import Foundation
import Logging
import NIOCore

struct ControllerCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Reconcile on a timer as a service, with the drift inbox over HTTP, leader election and metrics.",
        discussion: """
            Every --interval (jittered by a tenth), at once on POST /api/v1/reconcile, and when it becomes leader, the \
            leader: fetches and fast-forwards the spec checkout (when --specs is in a git work tree), syncs the inventory and \
            records drift, applies the spec changes (unless --no-apply), reverts the drift of resources whose policy.drift is \
            revert (a field reverted three times in a row is reported as a revert_loop and held off, twice as long each \
            time), and resumes unfinished sagas. Specs that do not load stop the apply, not the controller: \
            /api/v1/status shows the errors at file:line:col.

            Replicas sharing a PostgreSQL state elect one leader through a lease row (--lease-duration, renewed every \
            --renew-interval, tried for every --retry-period); all serve the API, and POST /api/v1/reconcile on a follower \
            is passed to the leader at its next renewal. SQLite suits one replica.

            The API needs `Authorization: Bearer TOKEN` (`arcadia tokens create`); viewer reads, operator also reverts, \
            ignores and reconciles, platform_admin also accepts. /healthz, /readyz and /metrics (Prometheus) need none. \
            Accept with --git-push commits the edit as the token's name and pushes it; in a git checkout without it, the \
            acceptance is recorded in the state, the patch returned, and the field left alone until the spec says so; in a \
            plain directory the file is edited.

            SIGTERM or SIGINT: no new work, running sagas stop at their next step, the lease is given up, exit 0.
            """
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("Address to serve the API on.", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:8080"

    @Option(name: .long, help: ArgumentHelp("Time between reconcile passes, e.g. 30s, 5m, 1h (at least 1s, at most 7d).", valueName: "DURATION"))
    var interval = "5m"

    @Flag(name: .long, help: "Detect and report drift only; never apply or revert.")
    var noApply = false

    @Option(name: .long, help: "The git remote the spec checkout is fetched from and pushed to.")
    var gitRemote = "origin"

    @Option(name: .long, help: "The branch to follow (default: the one checked out).")
    var gitBranch: String?

    @Flag(name: .long, help: "Commit accepted and ignored drift edits as the token's name, and push them.")
    var gitPush = false

    @Option(name: .long, help: "How many sagas run at once.")
    var parallelism = 10

    @Option(name: .long, help: ArgumentHelp("How long a leader's lease lasts unrenewed.", valueName: "DURATION"))
    var leaseDuration = "15s"

    @Option(name: .long, help: ArgumentHelp("How often the leader renews its lease.", valueName: "DURATION"))
    var renewInterval = "10s"

    @Option(name: .long, help: ArgumentHelp("How often a follower tries for the lease.", valueName: "DURATION"))
    var retryPeriod = "2s"

    @Option(name: .long, help: ArgumentHelp("POST drift_detected, drift_resolved, saga_failed and revert_loop events to URL, signed (needs --webhook-secret-file).", valueName: "URL"))
    var webhook: String?

    @Option(name: .long, help: ArgumentHelp("The webhook's HMAC-SHA256 secret, read from FILE (never from the command line).", valueName: "FILE"))
    var webhookSecretFile: String?

    func validate() throws {
        _ = try Self.address(listen)
        if webhook != nil, webhookSecretFile == nil { throw ValidationError("--webhook needs --webhook-secret-file FILE: events are signed") }
        if webhook == nil, webhookSecretFile != nil { throw ValidationError("--webhook-secret-file is for --webhook URL; give both or neither") }
        if let webhook, !(URL(string: webhook).map { ["http", "https"].contains($0.scheme ?? "") && $0.host != nil } ?? false) {
            throw ValidationError("--webhook \(webhook) is not an http(s) URL")
        }
        for (flag, text) in [("--interval", interval), ("--lease-duration", leaseDuration), ("--renew-interval", renewInterval), ("--retry-period", retryPeriod)] {
            _ = try Self.duration(text, flag: flag)
        }
        guard try Self.duration(interval, flag: "--interval") >= .seconds(1) else {
            // Each pass lists every kind in play: at 1ms a pass, DigitalOcean's 250 a minute are gone at once.
            throw ValidationError("--interval \(interval) is shorter than 1s; each pass spends DigitalOcean requests (give e.g. 30s, 5m or 1h)")
        }
        guard try Self.duration(renewInterval, flag: "") < Self.duration(leaseDuration, flag: "") else {
            throw ValidationError("--renew-interval must be shorter than --lease-duration, or the lease runs out between renewals")
        }
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be 1 or more") }
    }

    func settings() throws -> ControllerSettings {
        let (host, port) = try Self.address(listen)
        return ControllerSettings(
            specs: specOptions.specs, host: host, port: port, interval: try Self.duration(interval, flag: "--interval"), applyChanges: !noApply,
            gitRemote: gitRemote, gitBranch: gitBranch, gitPush: gitPush, parallelism: parallelism,
            leaseDuration: try Self.duration(leaseDuration, flag: "--lease-duration"),
            renewInterval: try Self.duration(renewInterval, flag: "--renew-interval"),
            retryPeriod: try Self.duration(retryPeriod, flag: "--retry-period")
        )
    }

    func execute() async throws {
        let settings = try settings()
        guard FileManager.default.fileExists(atPath: settings.specs) else {
            Output.error("the specs directory \(settings.specs) does not exist; give --specs DIR (a git checkout or a plain directory of spec files)")
            throw ExitCode.failure
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: settings.specs, isDirectory: &isDirectory), isDirectory.boolValue else {
            Output.error("--specs \(settings.specs) is a file, not a directory; give the folder that holds the spec files")
            throw ExitCode.failure
        }
        if settings.gitPush, SpecCheckout(specs: settings.specs, remote: settings.gitRemote, branch: settings.gitBranch) == nil {
            Output.error("--git-push needs --specs in a git checkout, and \(settings.specs) is not in one; clone the spec repository there, or leave --git-push out")
            throw ExitCode.failure
        }
        let logger = {
            var logger = Logger(label: "arcadia.controller")
            logger.logLevel = ProcessInfo.processInfo.environment["ARCADIA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return logger
        }()
        let metrics = ControllerMetrics()
        let owner = WorkerSettings.identity.description
        let secret: WebhookSecret?
        do {
            secret = try webhookSecretFile.map(WebhookSecret.init(contentsOfFile:))
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
        let webhook = self.webhook
        try await runReporting {
            try await Session.with(connection, onResponse: { metrics.digitalOceanRequest(status: $0) }) { session in
                let authenticator = TokenAuthenticator(store: session.store)
                let controller = Controller(
                    settings: settings, store: session.store, client: session.client, metrics: metrics,
                    makeRunner: { store, drain in
                        var runner = SagaRunner(
                            environment: StepEnvironment(
                                client: session.client, store: store, logger: logger, pollInterval: session.pollInterval,
                                retryBaseDelay: session.retryBaseDelay
                            ),
                            owner: owner, leaseSeconds: WorkerSettings.leaseSeconds, hooks: WorkerSettings.hooks
                        )
                        runner.drain = drain
                        return runner
                    },
                    authenticate: { header in
                        try await authenticator.authenticate(authorization: header).map { principal in
                            Caller(name: principal.name, role: principal.role.rawValue, permits: { principal.role.permits($0) })
                        }
                    },
                    services: zip([webhook].compactMap { $0 }, [secret].compactMap { $0 }).map { url, secret in
                        WebhookDispatcher(store: session.store, configuration: .init(url: url, secret: secret), logger: logger)
                    },
                    events: ControllerEvents(store: session.store, webhook: webhook != nil, logger: logger),
                    logger: logger
                )
                do {
                    try await controller.run(owner: owner) { port in
                        Output.standardError("arcadia controller: serving the API on http://\(settings.host):\(port), specs \(settings.specs), every \(interval)")
                    }
                } catch let error as IOError where error.errnoCode == EADDRINUSE {
                    throw ListenRefused("\(settings.host):\(settings.port): it is already in use (another controller?); choose another with --listen HOST:PORT")
                } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
                    throw ListenRefused("\(settings.host): it is not an address of this machine; give --listen 127.0.0.1:PORT, or 0.0.0.0:PORT for every address")
                }
            }
        }
    }

    static func address(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen \(text) is not HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    /// `30s`, `5m`, `1h`, `250ms`, or plain seconds.
    /// The longest duration a flag takes: a week.
    static let longestDuration: Double = 7 * 86_400

    static func duration(_ text: String, flag: String) throws -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        var seconds: Double?
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value > 0, value.isFinite { seconds = value * scale }
            break
        }
        if seconds == nil, let value = Double(text), value > 0, value.isFinite { seconds = value }
        guard let seconds else { throw ValidationError("\(flag) \(text) is not a duration; give e.g. 30s, 5m or 1h") }
        guard seconds <= longestDuration else { throw ValidationError("\(flag) \(text) is longer than a week (7d); give e.g. 30s, 5m or 1h") }
        return .milliseconds(Int64(seconds * 1000))
    }
}

/// The API's address cannot be listened on: said as what to change.
struct ListenRefused: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = "cannot listen on " + description }
}
