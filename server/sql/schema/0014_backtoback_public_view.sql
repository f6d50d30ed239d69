-- 0014: back-to-back evaluation (背靠背) made real, and the public's view
-- of a case made the portal's (docs/WORKFLOW.md "Evaluation rounds" and
-- "Visibility").
--
-- Evaluation. An individual form (its ratings, its comment, who gave them:
-- the 'evaluate' event and the evaluations row) is read by the deputy who
-- filled it and by the liaison committee (liaison_officer) only; not by
-- the administrator role, the government office, handling units,
-- co-signers or the public. A round (the evaluation of reply k) is open
-- while the case is 'replied' at round k; it closes when every evaluator
-- has answered (jy_act_evaluate) or when its window (jy_due('evaluation'),
-- from the reply) has ended with at least one form in (the periodic job,
-- jy_close_expired_rounds). Closing moves the case once (any unsatisfied
-- rating: rehandling, else evaluated) and appends one 'evaluation_outcome'
-- event with the counts per rating, which everyone who may see the case
-- reads. Counts elsewhere (statistics, ledger, portal) are of closed rounds
-- only. Evaluators: the lead deputy and confirmed co-signers, and those of
-- the cases merged into this one (each proposer still gets an answer).
--
-- The public. A public account reads what the portal shows and nothing
-- else: published cases (jy_portal_visible), with the published title and
-- text (jy_portal_text), no co-signers, handler, plan, dates or contacts;
-- a timeline of replies, follow-up reports and evaluation outcomes, with no
-- logins or names of staff.

-- ---- the outcome event -------------------------------------------------------

-- The standing committee closes a round, not a person: the outcome event
-- has no actor (naming the last deputy to answer would tell who it was).
ALTER TABLE events ALTER COLUMN actor_account_id DROP NOT NULL;

ALTER TABLE events DROP CONSTRAINT events_kind_check;

ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
	'create', 'cosign', 'submit', 'withdraw', 'register', 'return', 'merge',
	'convert', 'assign', 'accept', 'dispute', 'reassign', 'plan', 'contact',
	'opinion', 'extend', 'approve_extension', 'reply', 'follow_up', 'evaluate',
	'supervise', 'close',
	'recalculate',
	'topic_add', 'topic_remove', 'nominate', 'score', 'announce',
	'evaluation_outcome'));

ALTER TABLE events ADD CONSTRAINT events_actor_check CHECK (
	actor_account_id IS NOT NULL OR kind = 'evaluation_outcome');
