-- 0013: a merged or converted case can be closed. The transition table
-- (server/workflow.c, docs/WORKFLOW.md) lets the liaison committee close a
-- case from merged and from converted, but 0002's constraints demanded
-- state = 'merged' exactly when merged_into is set (and 'converted' exactly
-- when converted_to is), so that close failed with a check violation: an
-- internal error to the client. The closed case keeps what was done to it:
-- merged_into is the link through which its proposers still read the
-- target's reply (jy_get), converted_to what it became.

ALTER TABLE suggestions
	DROP CONSTRAINT suggestions_merged_check,
	DROP CONSTRAINT suggestions_converted_check,
	ADD CONSTRAINT suggestions_merged_check CHECK (
		CASE WHEN state = 'merged' THEN merged_into IS NOT NULL
		     ELSE merged_into IS NULL OR state = 'closed' END),
	ADD CONSTRAINT suggestions_converted_check CHECK (
		CASE WHEN state = 'converted' THEN converted_to IS NOT NULL
		     ELSE converted_to IS NULL OR state = 'closed' END);
