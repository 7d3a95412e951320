-- GitLab's count of an issue's comments (user_notes_count), so an issue without any costs one
-- request for its history instead of two. NULL: not known yet (the notes are fetched).
ALTER TABLE issues ADD COLUMN user_notes INTEGER;
