-- 0018: two actions on a case's text ("For the people who use it",
-- section "Editing"): 'edit', the lead deputy's revision of a draft or a
-- returned suggestion, and 'correct', the liaison committee's correction
-- of a registered one, with a reason. Each is an event recording what
-- changed (functions/04_workflow.sql, jy_act_edit and jy_act_correct).
ALTER TABLE events DROP CONSTRAINT events_kind_check;

ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
	'create', 'cosign', 'submit', 'withdraw', 'register', 'return', 'merge',
	'convert', 'assign', 'accept', 'dispute', 'reassign', 'plan', 'contact',
	'opinion', 'extend', 'approve_extension', 'reply', 'follow_up', 'evaluate',
	'supervise', 'close', 'edit', 'correct',
	'recalculate',
	'topic_add', 'topic_remove', 'nominate', 'score', 'announce',
	'evaluation_outcome'));
