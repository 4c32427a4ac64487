import Foundation

/// Failures the simulator injects, reproducibly: the same plan and seed give the same faults for the
/// same sequence of requests. Read from `--faults FILE` or `POST /_sim/faults` (JSON, snake_case keys).
public struct FaultPlan: Codable, Sendable, Equatable {
    /// Random faults for requests whose `METHOD /v2/template` matches `route` (`*` matches every route).
    public struct RouteFaults: Codable, Sendable, Equatable {
        public var route: String
        /// Share of requests answered with one of `statuses` before anything is changed.
        public var errorRate: Double?
        public var statuses: [Int]?
        /// Added latency, uniformly between the two bounds, in milliseconds.
        public var latencyMs: [Int]?
        /// Share of requests whose connection is closed before any response: nothing was changed.
        public var dropRate: Double?
        /// Share of requests that are carried out but whose response is lost: the connection closes.
        public var loseResponseRate: Double?

        public init(route: String, errorRate: Double? = nil, statuses: [Int]? = nil, latencyMs: [Int]? = nil, dropRate: Double? = nil, loseResponseRate: Double? = nil) {
            self.route = route
            self.errorRate = errorRate
            self.statuses = statuses
            self.latencyMs = latencyMs
            self.dropRate = dropRate
            self.loseResponseRate = loseResponseRate
        }
    }

    /// Share of actions of `type` (`*` for every type) that end `errored` and change nothing.
    public struct ActionFaults: Codable, Sendable, Equatable {
        public var type: String
        public var errorRate: Double

        public init(type: String, errorRate: Double) {
            self.type = type
            self.errorRate = errorRate
        }
    }

    /// A scripted fault that fires once, on the first request or action it matches after letting
    /// `after` matches pass (default 0), e.g. the third `POST` of a droplet's actions.
    public struct OneShot: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            /// Answer `status` (default 500) without doing anything.
            case error
            /// Close the connection before doing anything.
            case drop
            /// Do the work, then close the connection instead of answering.
            case loseResponse = "lose_response"
            /// The next matching action ends `errored`.
            case actionError = "action_error"
        }

        public var fault: Kind
        /// `METHOD /v2/template`, for request faults.
        public var route: String?
        public var status: Int?
        /// For `action_error`: the action type, and optionally the action's `resource_id` (a droplet's id,
        /// or a reserved IP as DigitalOcean's integer; volume actions have none, so match by type only).
        public var actionType: String?
        public var resourceId: Int?
        /// Matches to let pass before firing.
        public var after: Int?

        public init(fault: Kind, route: String? = nil, status: Int? = nil, actionType: String? = nil, resourceId: Int? = nil, after: Int? = nil) {
            self.fault = fault
            self.route = route
            self.status = status
            self.actionType = actionType
            self.resourceId = resourceId
            self.after = after
        }
    }

    public var seed: UInt64?
    public var routes: [RouteFaults]?
    public var actions: [ActionFaults]?
    public var once: [OneShot]?

    public init(seed: UInt64? = nil, routes: [RouteFaults]? = nil, actions: [ActionFaults]? = nil, once: [OneShot]? = nil) {
        self.seed = seed
        self.routes = routes
        self.actions = actions
        self.once = once
    }

    public static let none = FaultPlan()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Reads a plan, naming the file and what is wrong with it.
    public static func load(path: String) throws -> FaultPlan {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SimulatorConfigurationError(message: "\(path): cannot read the fault file: \(error.localizedDescription)")
        }
        return try parse(data, source: path)
    }

    static func parse(_ data: Data, source: String) throws -> FaultPlan {
        let plan: FaultPlan
        do {
            plan = try decoder.decode(FaultPlan.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw SimulatorConfigurationError(message: "\(source): \(Self.path(context.codingPath + [key])): missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            throw SimulatorConfigurationError(message: "\(source): \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw SimulatorConfigurationError(message: "\(source): not a fault plan: \(error)")
        }
        try plan.validate(source: source)
        return plan
    }

    func validate(source: String) throws {
        let rates = (routes ?? []).flatMap { [$0.errorRate, $0.dropRate, $0.loseResponseRate].compactMap(\.self) }
            + (actions ?? []).map(\.errorRate)
        if let bad = rates.first(where: { !(0...1).contains($0) }) {
            throw SimulatorConfigurationError(message: "\(source): rates are shares between 0 and 1; got \(bad)")
        }
        for rule in routes ?? [] {
            if let bounds = rule.latencyMs, bounds.count != 2 || bounds[0] < 0 || bounds[0] > bounds[1] {
                throw SimulatorConfigurationError(message: "\(source): route \(rule.route): latency_ms must be [min, max] with 0 ≤ min ≤ max")
            }
            if let statuses = rule.statuses, statuses.isEmpty || statuses.contains(where: { !(400...599).contains($0) }) {
                throw SimulatorConfigurationError(message: "\(source): route \(rule.route): statuses must be HTTP error codes (400–599)")
            }
        }
        for shot in once ?? [] where shot.fault != .actionError && shot.route == nil {
            throw SimulatorConfigurationError(message: "\(source): a one-shot '\(shot.fault.rawValue)' fault needs a route such as \"POST /v2/droplets\"")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }
}

public struct SimulatorConfigurationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
