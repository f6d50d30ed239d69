-- 0022: a refusal carries a machine-readable reason and its named arguments
-- beside its English text (docs/WORKFLOW.md "Reasons"): jy_refuse and
-- jy_result take two more arguments. A function whose argument types change
-- is a new function, so the old signatures are dropped here and the
-- functions files create the new ones.
DROP FUNCTION IF EXISTS jy_refuse(text, text, text);
DROP FUNCTION IF EXISTS jy_result(text, text, text);
-- withdraw and return read only their reason: jy_act_reason serves them.
DROP FUNCTION IF EXISTS jy_act_withdraw(accounts, suggestions, jsonb);
DROP FUNCTION IF EXISTS jy_act_return(accounts, suggestions, jsonb);
-- jy_case_filters refuses the public's key and overdue filters itself: it
-- takes the viewer's publicness, and jy_public_filter_refusal is gone.
DROP FUNCTION IF EXISTS jy_case_filters(jsonb);
DROP FUNCTION IF EXISTS jy_public_filter_refusal(boolean, boolean, boolean);
