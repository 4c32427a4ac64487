import ArcadiaSpecs
import Foundation

/// What this replica knows of itself, for `/api/v1/status`, `/readyz` and the page: whether it
/// leads, the last pass, when the next is due, and the spec problems the last load found.
public actor ControllerStatus {
    public private(set) var isLeader = false
    public private(set) var lastReconcile: ReconcileReport?
    public private(set) var running: (trigger: String, since: Date)?
    public private(set) var nextDue: Date?
    /// The problems of the last spec load (empty when the specs loaded), each at `file:line:col`.
    public private(set) var specErrors: [Diagnostic] = []
    /// The plan's errors from the last pass (nothing was applied while any remains).
    public private(set) var planErrors: [Diagnostic] = []
    /// Set once the specs have loaded successfully at least once.
    public private(set) var specsLoadedOnce = false
    /// The last specs that loaded: drift is still detected against them while the folder does not load.
    public private(set) var lastGoodSpecs: [DesiredResource]?
    public private(set) var lastGitProblem: String?

    public init() {}

    func setLeader(_ leads: Bool) { isLeader = leads }

    func started(trigger: String) { running = (trigger, Date()) }

    func finished(_ report: ReconcileReport) {
        lastReconcile = report
        running = nil
    }

    func scheduled(_ date: Date?) { nextDue = date }

    func specsLoaded(_ specs: [DesiredResource]) {
        specErrors = []
        specsLoadedOnce = true
        lastGoodSpecs = specs
    }

    func specsFailed(_ problems: [Diagnostic]) { specErrors = problems }

    func planned(errors: [Diagnostic]) { planErrors = errors }

    func git(problem: String?) { lastGitProblem = problem }
}
