import ArcadiaSagas
import ArcadiaState
import ArcadiaTestSupport
import Foundation
import NIOConcurrencyHelpers
import Testing

/// The runner's contract, with steps written for the test (the `Step` protocol is the extension point).
@Suite struct SagaRunnerTests {
    /// What the test steps did, in order.
    final class Journal: Sendable {
        private let entries = NIOLockedValueBox<[String]>([])
        func add(_ entry: String) { entries.withLockedValue { $0.append(entry) } }
        var all: [String] { entries.withLockedValue { $0 } }
    }

    struct ScriptedStep: Step {
        let name: String
        let journal: Journal
        /// Errors to throw on successive attempts, after journaling the attempt; then success.
        var failures: [StepError] = []
        var compensationFails = false

        func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
            let attempt = journal.all.filter { $0 == "execute \(name)" }.count
            journal.add("execute \(name)")
            if attempt < failures.count { throw failures[attempt] }
            return context
        }

        func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
            journal.add("compensate \(name)")
            if compensationFails { throw StepError.permanent("cannot undo \(name)") }
        }
    }

    private func run(_ steps: [ScriptedStep], store: Store, sim: SimulatorHarness) async throws -> (SagaStatus, SagaRecord) {
        let id = UUID().uuidString.lowercased()
        try await store.insertSaga(SagaRecord(
            id: id, kind: "test", resourceKind: "Droplet", resourceName: "t", context: "{}",
            steps: steps.enumerated().map { SagaStepRecord(position: $0.offset, name: $0.element.name) }
        ))
        let runner = SagaRunner(environment: sim.stepEnvironment(store: store), registry: StepRegistry(steps))
        let status = try await runner.run(sagaID: id)
        return (status, try #require(try await store.saga(id: id)))
    }

    @Test(arguments: StoreEngine.allCases) func aStepThatFailsIsCompensatedWithTheStepsBeforeItInReverse(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let journal = Journal()
                let (status, saga) = try await run([
                    ScriptedStep(name: "A", journal: journal),
                    ScriptedStep(name: "B", journal: journal),
                    ScriptedStep(name: "C", journal: journal, failures: [.permanent("C broke after acting")]),
                    ScriptedStep(name: "D", journal: journal),
                ], store: store, sim: sim)
                #expect(status == .rolledBack)
                #expect(journal.all == ["execute A", "execute B", "execute C", "compensate C", "compensate B", "compensate A"])
                #expect(saga.steps.map(\.status) == [.compensated, .compensated, .failed, .pending])
                #expect(saga.steps[2].error == "C broke after acting")
                #expect(saga.error == "C broke after acting")
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func transientFailuresAreRetriedAndPermanentOnesAreNot(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let journal = Journal()
                let (status, saga) = try await run([
                    ScriptedStep(name: "flaky", journal: journal, failures: [.transient("503"), .transient("429", retryAfter: 0.01)]),
                ], store: store, sim: sim)
                #expect(status == .completed)
                #expect(saga.steps.first?.attempts == 3)

                let permanent = Journal()
                let (failed, record) = try await run([ScriptedStep(name: "bad", journal: permanent, failures: [.permanent("422")])], store: store, sim: sim)
                #expect(failed == .rolledBack)
                #expect(record.steps.first?.attempts == 1)

                // Transient failures past the attempt budget are failures like any other.
                let exhausted = Journal()
                let (gaveUp, _) = try await run([
                    ScriptedStep(name: "down", journal: exhausted, failures: Array(repeating: .transient("503"), count: 5)),
                ], store: store, sim: sim)
                #expect(gaveUp == .rolledBack)
                #expect(exhausted.all.filter { $0 == "execute down" }.count == 3, "the harness allows 3 attempts")
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func aCompensationThatFailsLeavesTheSagaFailedWithTheReason(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let journal = Journal()
                let (status, saga) = try await run([
                    ScriptedStep(name: "A", journal: journal, compensationFails: true),
                    ScriptedStep(name: "B", journal: journal, failures: [.permanent("B broke")]),
                ], store: store, sim: sim)
                #expect(status == .failed)
                #expect(saga.status == .failed)
                #expect(saga.error?.contains("B broke") == true)
                #expect(saga.error?.contains("cannot undo A") == true)
                #expect(try await store.sagas(status: .failed).map(\.id) == [saga.id])
            }
        }
    }
}
