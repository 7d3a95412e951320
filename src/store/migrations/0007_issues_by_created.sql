-- The triage learner reads the newest requests first (ORDER BY created_at DESC LIMIT n): with
-- this index SQLite walks it instead of sorting every row, description included, in memory.
CREATE INDEX IF NOT EXISTS issues_by_created ON issues (created_at, id);
