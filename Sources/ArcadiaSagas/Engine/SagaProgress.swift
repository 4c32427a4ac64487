import ArcadiaState

/// What the runner reports as it goes, for the CLI's progress lines.
public enum SagaProgress: Sendable {
    case stepStarted(saga: SagaRecord, step: String, attempt: Int)
    case stepCompleted(saga: SagaRecord, step: String, seconds: Double)
    case stepRetrying(saga: SagaRecord, step: String, error: String, delaySeconds: Double)
    case stepFailed(saga: SagaRecord, step: String, error: String)
    case stepCompensated(saga: SagaRecord, step: String)
    case sagaFinished(saga: SagaRecord, status: SagaStatus)
}
