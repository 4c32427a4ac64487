import ArcadiaSagas
import ArcadiaState
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Saga-worker settings the CLI reads from the environment and hands to the library.
enum WorkerSettings {
    /// This process as a worker: `ARCADIA_WORKER_HOST` replaces the machine's host name, e.g. to tell
    /// containers apart.
    static var identity: WorkerIdentity {
        ProcessInfo.processInfo.environment["ARCADIA_WORKER_HOST"].map(WorkerIdentity.current(host:)) ?? .current
    }

    /// `ARCADIA_LEASE_SECONDS`, else 30.
    static var leaseSeconds: Double {
        ProcessInfo.processInfo.environment["ARCADIA_LEASE_SECONDS"].flatMap(Double.init).map { max(0.5, $0) } ?? SagaRunner.defaultLeaseSeconds
    }

    /// The crash suite's hook: `ARCADIA_CRASH_AT=<saga-kind>:<step>:<point>` kills this process with
    /// SIGKILL at that point, as a power cut or the OOM killer would.
    static var hooks: SagaHooks {
        guard let text = ProcessInfo.processInfo.environment["ARCADIA_CRASH_AT"], let target = SagaPoint(parsing: text) else { return .none }
        return SagaHooks { point in
            if point == target { kill(getpid(), SIGKILL) }
        }
    }
}

extension Session {
    /// A saga runner for this session, with the CLI's worker settings.
    func runner(leaseSeconds: Double = WorkerSettings.leaseSeconds, recheck: SagaRecheck? = nil) -> SagaRunner {
        SagaRunner(
            environment: stepEnvironment, owner: WorkerSettings.identity.description, leaseSeconds: leaseSeconds,
            hooks: WorkerSettings.hooks, recheck: recheck,
            onProgress: ProgressPrinter.print
        )
    }
}
