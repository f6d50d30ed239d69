-- PLACEHOLDER on the topics branch only: migration numbers must be
-- contiguous (embed_sql.py), and 0007_calendar belongs to the lead's
-- branch. At merge, the lead's real 0007_calendar.sql replaces this file.
SELECT 1;
