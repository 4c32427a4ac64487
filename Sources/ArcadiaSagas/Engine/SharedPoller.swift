import ArcadiaCore
import DigitalOceanAPI
import Foundation

/// One list request answers every saga waiting on things of one sort: the droplets Arcadia manages
/// (`GET /v2/droplets?tag_name=managed-by-arcadia`) or the account's newest actions (`GET /v2/actions`).
///
/// A waiter registers with the moment its first look is due. When it looks, the poller answers from a
/// listing taken no earlier than that moment, taking one if none is (one in flight is shared). Looks
/// are gathered: a waiter that is due waits for the others to fall due as well, but no longer than its
/// `patience`, so waiters that started together cost one listing, not one each. When a listing would
/// cost more requests than the waiters' own reads (few waiters, many pages), the poller says `ask`
/// and each waiter reads its one item itself, as it does for an item the listing does not hold.
///
/// Nothing runs in the background: the waiters' own looks drive it.
actor SharedPoller<Value: Sendable> {
    typealias Listing = @Sendable () async throws -> [Int: Value]

    /// What a look found.
    enum Answer: Sendable {
        /// The listing holds the item.
        case listed(Value)
        /// Read it on your own: the listing lacks it, or would cost more than the waiters' own reads.
        case ask
    }

    struct Waiter: Hashable, Sendable { fileprivate let id: UInt64 }

    private let list: Listing
    /// Items a page of the listing holds; nil for a listing of one page.
    private let pageSize: Int?
    /// Requests one listing costs: its pages at the last count.
    private var listingCost = 1
    private var nextID: UInt64 = 0
    private var due: [UInt64: ContinuousClock.Instant] = [:]
    private var latest: (takenAt: ContinuousClock.Instant, values: [Int: Value])?
    private var inFlight: (startedAt: ContinuousClock.Instant, task: Task<[Int: Value], any Error>)?

    init(pageSize: Int?, list: @escaping Listing) {
        self.pageSize = pageSize
        self.list = list
    }

    func register(due moment: ContinuousClock.Instant) -> Waiter {
        nextID += 1
        due[nextID] = moment
        return Waiter(id: nextID)
    }

    func reschedule(_ waiter: Waiter, due moment: ContinuousClock.Instant) {
        due[waiter.id] = moment
    }

    func unregister(_ waiter: Waiter) {
        due[waiter.id] = nil
    }

    /// When `waiter`'s next look is due.
    func dueMoment(of waiter: Waiter) -> ContinuousClock.Instant {
        due[waiter.id] ?? .now
    }

    /// What a listing taken at the waiter's due moment or later says of `key`, after gathering with
    /// the other waiters for at most `patience`.
    func look(_ waiter: Waiter, key: Int, patience: Duration) async throws -> Answer {
        guard due.count > listingCost else { return .ask }
        let wanted = dueMoment(of: waiter)
        let giveUp = wanted + patience
        while true {
            let now = ContinuousClock.now
            let notYet = due.values.filter { $0 > now }
            guard let next = notYet.min(), now < giveUp else { break }
            try await Task.sleep(until: min(next, giveUp), clock: .continuous)
        }
        let values = try await listing(takenSince: wanted)
        return values[key].map(Answer.listed) ?? .ask
    }

    /// A listing started at `moment` or later: the last one, the one in flight, or a new one.
    ///
    /// The request runs in a task of its own, so a waiter cancelled meanwhile does not fail the
    /// others that share it; it is one list and ends with it.
    private func listing(takenSince moment: ContinuousClock.Instant) async throws -> [Int: Value] {
        if let latest, latest.takenAt >= moment { return latest.values }
        if let inFlight, inFlight.startedAt >= moment { return try await inFlight.task.value }
        let startedAt = ContinuousClock.now
        let task = Task { [list] in try await list() }
        inFlight = (startedAt, task)
        defer { if inFlight?.startedAt == startedAt { inFlight = nil } }
        let values = try await task.value
        if (latest?.takenAt).map({ $0 < startedAt }) ?? true {
            latest = (startedAt, values)
            listingCost = pageSize.map { max(1, (values.count + $0 - 1) / $0) } ?? 1
        }
        return values
    }
}

/// The pollers a runner's sagas share: Arcadia's droplets and the account's newest actions.
public final class SharedPollers: Sendable {
    let droplets: SharedPoller<Droplet>
    let actions: SharedPoller<Action>

    init(client: DigitalOceanClient) {
        droplets = SharedPoller(pageSize: 200) {
            let listed = try await client.listDroplets(tagName: Ownership.managedTag)
            return Dictionary(listed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        actions = SharedPoller(pageSize: nil) {
            Dictionary(try await client.newestActions().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
