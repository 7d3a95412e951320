-- Every sync pass counts the issues whose activity is older than the issue
-- (`stale_activity_count`). Without this index that count walks the whole table, descriptions
-- included, and fills the connection's page cache (1 MB at 10,000 issues, held for the
-- board's life); with it, SQLite reads a covering index of a few dozen pages.
CREATE INDEX IF NOT EXISTS issues_by_id_updated ON issues (id, updated_at);
