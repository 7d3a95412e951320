-- "Keep mine" on a conflict: the next push sends the edit without the conflict check.
ALTER TABLE outbox ADD COLUMN force INTEGER NOT NULL DEFAULT 0 CHECK (force IN (0, 1));
