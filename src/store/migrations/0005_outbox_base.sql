-- The request's editable fields as they were when the edit was made (JSON), so a push can tell
-- which fields someone else changed since: assignee, milestone, due date, open or closed.
-- NULL for entries queued before this column existed (their labels are still checked).
ALTER TABLE outbox ADD COLUMN base TEXT;
