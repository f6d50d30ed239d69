-- 0020: attachments (附件) of a case or of one of its records (plan,
-- contact, reply, follow-up, supervision record), stored in chunks so that
-- an upload cut in the middle resumes after the last stored chunk
-- (docs/WORKFLOW.md "Attachments"; functions/15_attachments.sql). A finished
-- attachment was checked against the SHA-256 its uploader declared and has
-- its "attach" event.
CREATE TABLE attachments (
	id bigserial PRIMARY KEY,
	suggestion_id bigint NOT NULL REFERENCES suggestions(id),
	attached_to text NOT NULL CHECK (attached_to IN
		('suggestion', 'plan', 'contact', 'reply', 'follow_up', 'supervision')),
	event_seq bigint REFERENCES events(seq),
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	mime_type text NOT NULL DEFAULT '',
	size bigint NOT NULL CHECK (size > 0),
	sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	public boolean NOT NULL DEFAULT false,
	received bigint NOT NULL DEFAULT 0 CHECK (received BETWEEN 0 AND size),
	uploaded_by bigint NOT NULL REFERENCES accounts(id),
	begun_at timestamptz NOT NULL DEFAULT now(),
	finished_at timestamptz,
	CHECK (public = false OR attached_to = 'reply'),
	CHECK ((event_seq IS NULL) = (attached_to = 'suggestion'))
);
CREATE INDEX attachments_by_case ON attachments (suggestion_id, id);

-- The bytes, one row per chunk as it arrived: [off, off + length(data)).
CREATE TABLE attachment_chunks (
	attachment_id bigint NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
	off bigint NOT NULL CHECK (off >= 0),
	data bytea NOT NULL CHECK (length(data) > 0),
	PRIMARY KEY (attachment_id, off)
);
-- Chunks are written once and read whole: no compression of data that is
-- mostly compressed already.
ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

ALTER TABLE events DROP CONSTRAINT events_kind_check;

ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN (
	'create', 'cosign', 'submit', 'withdraw', 'register', 'return', 'merge',
	'convert', 'assign', 'accept', 'dispute', 'reassign', 'plan', 'contact',
	'opinion', 'extend', 'approve_extension', 'reply', 'follow_up', 'evaluate',
	'supervise', 'close', 'edit', 'correct',
	'recalculate',
	'topic_add', 'topic_remove', 'nominate', 'score', 'announce',
	'evaluation_outcome', 'attach'));
