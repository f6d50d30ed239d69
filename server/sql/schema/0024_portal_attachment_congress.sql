-- 0024: the portal's attachments per congress (docs/CONGRESSES.md). The
-- portal serves each congress at /c/<code>/; jy_portal_attachment and
-- jy_portal_attachments gain the congress's code as their last argument
-- (DEFAULT NULL: the first congress, so the previous release's calls keep
-- their meaning). The functions file (functions/15_attachments.sql)
-- re-creates them; the old signatures would make every call ambiguous.
DROP FUNCTION IF EXISTS jy_portal_attachment(bigint, bigint, int);
DROP FUNCTION IF EXISTS jy_portal_attachments(bigint);
