-- PLACEHOLDER on the topics branch only: migration numbers must be
-- contiguous (embed_sql.py), and 0008_notices belongs to the notices
-- branch. At merge, its real 0008_notices.sql replaces this file.
SELECT 1;
