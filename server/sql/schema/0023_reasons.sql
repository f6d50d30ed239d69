-- 0023: a refusal carries a machine-readable reason and its named arguments
-- beside its English text (docs/WORKFLOW.md "Reasons"): jy_refuse and
-- jy_result take two more arguments. A function whose argument types change
-- is a new function, so the old signatures are dropped here and the
-- functions files create the new ones.
DROP FUNCTION IF EXISTS jy_refuse(text, text, text);
DROP FUNCTION IF EXISTS jy_result(text, text, text);
