-- Confidential issues: their titles stay out of reports pasted elsewhere unless asked for.
ALTER TABLE issues ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0;
