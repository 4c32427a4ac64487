-- When the current attempt of a step (forward or compensating) began: written before the step acts,
-- so a re-run knows from when an action it may already have started could date.
ALTER TABLE saga_steps ADD COLUMN attempt_started_at TEXT;

-- Every DigitalOcean action a saga started or adopted, written as soon as its id is known. A re-run
-- waits for the step's own in-flight action instead of starting a second one, and never adopts an
-- action the saga has already used.
CREATE TABLE saga_actions (
    saga_id TEXT NOT NULL REFERENCES sagas (id),
    position INTEGER NOT NULL,
    phase TEXT NOT NULL,
    action_id INTEGER NOT NULL,
    action_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (saga_id, action_id)
);

-- The apply lock as a lease: a holder whose host vanished loses it when it runs out.
ALTER TABLE arcadia_locks ADD COLUMN expires_at TEXT;
-- The lock holder's worker identity (host:pid:nonce:process), to recognise a holder that is provably dead.
ALTER TABLE arcadia_locks ADD COLUMN owner TEXT;

-- A saga that ended `failed` before this migration did so in a compensation; mark the step whose
-- compensation failed as such, so a resume carries the compensation on instead of running forward.
UPDATE saga_steps SET status = 'compensation_failed' WHERE status = 'failed' AND error LIKE 'compensation failed:%';
