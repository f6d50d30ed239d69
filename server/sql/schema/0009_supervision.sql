-- 0009: supervision (督办) as first-class records, key-supervision topics
-- (重点督办专题) and the annual selection of excellent suggestions (优秀建议).
-- README.md "Supervision, topics and excellent suggestions" says who may do
-- what. The server calls two entry points: jy_write (every write here, with
-- an idempotency key, like jy_act) and jy_read (lists and views). Both answer
-- with a JSON document whose "code" is "ok" or a refusal, never an error.
-- Every step on a case appends an immutable event and moves the case's
-- version on by one, like any workflow action (version = its events).

-- ---- event kinds -------------------------------------------------------------

-- Every kind of 0002, 'recalculate' (0007_calendar: a deadline moved by a
-- calendar change), and this migration's.
ALTER TABLE events DROP CONSTRAINT events_kind_check;

ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
	'create', 'cosign', 'submit', 'withdraw', 'register', 'return', 'merge',
	'convert', 'assign', 'accept', 'dispute', 'reassign', 'plan', 'contact',
	'opinion', 'extend', 'approve_extension', 'reply', 'follow_up', 'evaluate',
	'supervise', 'close',
	'recalculate',
	'topic_add', 'topic_remove', 'nominate', 'score', 'announce'));

-- ---- supervision records ---------------------------------------------------------

-- level: how far the supervision has escalated (1 supervision, 2 interview
-- 约谈, 3 special inquiry 专题询问, 4 publication of the unsatisfied result).
-- committee_id: the case's supervising special committee when recorded.
ALTER TABLE supervision_notes DROP CONSTRAINT supervision_notes_kind_check;

ALTER TABLE supervision_notes
	ADD COLUMN level int NOT NULL DEFAULT 1,
	ADD COLUMN committee_id bigint REFERENCES organizations (id),
	ADD CONSTRAINT supervision_notes_kind_check CHECK (kind IN (
		'note', 'whole_process', 'by_field', 'leader_led', 'interview', 'inquiry',
		'publish_unsatisfied')),
	ADD CONSTRAINT supervision_notes_level_check CHECK (level BETWEEN 1 AND 4);

CREATE INDEX supervision_notes_kind_idx ON supervision_notes (kind, id);

CREATE INDEX supervision_notes_committee_idx ON supervision_notes (committee_id, id)
	WHERE committee_id IS NOT NULL;

-- One publication of the unsatisfied result per case.
CREATE UNIQUE INDEX supervision_notes_publish_once_idx ON supervision_notes (suggestion_id)
	WHERE kind = 'publish_unsatisfied';

-- This function stays in the versioned schema (not server/sql/functions/):
-- the UPDATE below needs it when this migration is applied.
CREATE FUNCTION jy_supervision_level(p_kind text) RETURNS int IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE p_kind WHEN 'interview' THEN 2 WHEN 'inquiry' THEN 3
	                   WHEN 'publish_unsatisfied' THEN 4 ELSE 1 END
$$;

UPDATE supervision_notes SET level = jy_supervision_level(kind);

-- ---- key-supervision topics (重点督办专题) --------------------------------------------

CREATE TABLE topics (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name         text NOT NULL,
	description  text NOT NULL DEFAULT '',
	leaders      text[] NOT NULL DEFAULT '{}',
	committee_id bigint NOT NULL REFERENCES organizations (id),
	created_by   bigint NOT NULL REFERENCES accounts (id),
	created_at   timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT topics_name_key UNIQUE (name),
	CONSTRAINT topics_name_check CHECK (length(btrim(name)) BETWEEN 1 AND 100),
	CONSTRAINT topics_description_check CHECK (length(description) <= 2000),
	CONSTRAINT topics_leaders_check CHECK (cardinality(leaders) <= 10)
);

-- Membership now; the events topic_add / topic_remove keep the history.
CREATE TABLE topic_suggestions (
	topic_id      bigint NOT NULL REFERENCES topics (id),
	suggestion_id bigint NOT NULL REFERENCES suggestions (id),
	added_by      bigint NOT NULL REFERENCES accounts (id),
	added_at      timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (topic_id, suggestion_id)
);

CREATE INDEX topic_suggestions_suggestion_idx ON topic_suggestions (suggestion_id);

-- ---- excellent suggestions (优秀建议) ---------------------------------------------------

CREATE TABLE excellent_nominations (
	year          int NOT NULL,
	suggestion_id bigint NOT NULL REFERENCES suggestions (id),
	reason        text NOT NULL DEFAULT '',
	nominated_by  bigint NOT NULL REFERENCES accounts (id),
	at            timestamptz NOT NULL DEFAULT now(),
	-- Set by the announcement: place in the selection, and the mean score.
	rank          int,
	average       numeric,
	PRIMARY KEY (year, suggestion_id),
	CONSTRAINT excellent_nominations_year_check CHECK (year BETWEEN 2000 AND 2100),
	CONSTRAINT excellent_nominations_rank_check CHECK (rank > 0 AND average IS NOT NULL
	                                                   OR rank IS NULL),
	CONSTRAINT excellent_nominations_rank_key UNIQUE (year, rank)
);

CREATE TABLE excellent_scores (
	year          int NOT NULL,
	suggestion_id bigint NOT NULL,
	reviewer_id   bigint NOT NULL REFERENCES accounts (id),
	score         int NOT NULL,
	comment       text NOT NULL DEFAULT '',
	at            timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (year, suggestion_id, reviewer_id),
	FOREIGN KEY (year, suggestion_id) REFERENCES excellent_nominations (year, suggestion_id),
	CONSTRAINT excellent_scores_score_check CHECK (score BETWEEN 1 AND 100)
);

-- One announcement per year, final.
CREATE TABLE excellent_announcements (
	year         int PRIMARY KEY,
	selected     int NOT NULL DEFAULT 0,
	announced_by bigint NOT NULL REFERENCES accounts (id),
	at           timestamptz NOT NULL DEFAULT now()
);
