-- Attachments (附件): files attached to a case or to one of its records,
-- uploaded in chunks that fit a frame, resumable, the type decided by the
-- content (docs/WORKFLOW.md "Attachments"; schema 0020). Called through
-- jy_write (attach_begin, attach_put, attach_finish) and jy_read
-- (attach_fetch, attach_list), 11_supervision.sql; the portal reads the
-- public attachments of published replies (jy_portal_attachment*).
--
-- Functions only (CREATE OR REPLACE FUNCTION/VIEW, DROP TRIGGER IF EXISTS +
-- CREATE TRIGGER): this file is applied again whenever it changes
-- (docs/WORKFLOW.md "Where the SQL lives").

-- ---- what a file is -----------------------------------------------------------

-- The media type of a file by its first bytes (its first chunk), NULL when it
-- is none of the accepted kinds. The legacy Office formats share one
-- container (OLE); only the name's extension tells a document from a
-- workbook. The Office Open XML formats are zip files whose first entries
-- name their parts.
CREATE OR REPLACE FUNCTION jy_attach_sniff(p_head bytea, p_name text) RETURNS text
IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN substring(p_head FROM 1 FOR 5) = '\x255044462d'::bytea THEN 'application/pdf'
		WHEN substring(p_head FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea THEN 'image/png'
		WHEN substring(p_head FROM 1 FOR 3) = '\xffd8ff'::bytea THEN 'image/jpeg'
		WHEN substring(p_head FROM 1 FOR 4) = '\x504b0304'::bytea
		     AND position('[Content_Types].xml'::bytea IN p_head) > 0 THEN CASE
			WHEN position('word/'::bytea IN p_head) > 0
				THEN 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
			WHEN position('xl/'::bytea IN p_head) > 0
				THEN 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
			WHEN position('ppt/'::bytea IN p_head) > 0
				THEN 'application/vnd.openxmlformats-officedocument.presentationml.presentation'
			END
		WHEN substring(p_head FROM 1 FOR 8) = '\xd0cf11e0a1b11ae1'::bytea THEN CASE
			WHEN lower(p_name) LIKE '%.doc' THEN 'application/msword'
			WHEN lower(p_name) LIKE '%.xls' THEN 'application/vnd.ms-excel'
			END
		END
$$;

-- A name that is safe as a file name anywhere: path separators and control
-- characters become '_', surrounding blanks go, and a name of only dots
-- (".", "..") is refused with the other bad names by the caller (NULL).
CREATE OR REPLACE FUNCTION jy_attach_name(p_name text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE WHEN v = '' OR v ~ '^\.+$' THEN NULL ELSE v END
	FROM (SELECT btrim(regexp_replace(coalesce(p_name, ''), '[/\\[:cntrl:]]', '_', 'g')) AS v) n
$$;

-- The event kind of each record an attachment can belong to.
CREATE OR REPLACE FUNCTION jy_attach_event_kind(p_to text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
	SELECT CASE p_to WHEN 'plan' THEN 'plan' WHEN 'contact' THEN 'contact' WHEN 'reply' THEN 'reply'
	                 WHEN 'follow_up' THEN 'follow_up' WHEN 'supervision' THEN 'supervise' END
$$;

CREATE OR REPLACE FUNCTION jy_attach_json(t attachments) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'id', t.id, 'suggestion_id', t.suggestion_id, 'name', t.name::text,
		'mime_type', t.mime_type::text, 'size', t.size, 'sha256', t.sha256::text,
		'attached_to', t.attached_to::text, 'event_sequence', coalesce(t.event_seq, 0),
		'public', t.public,
		'uploaded_by', coalesce((SELECT a.display_name FROM accounts a WHERE a.id = t.uploaded_by), '')::text,
		'at', jy_rfc3339(coalesce(t.finished_at, t.begun_at))::text,
		'received', t.received, 'finished', t.finished_at IS NOT NULL)
$$;

-- ---- who may attach, who may read -----------------------------------------------

-- The record an attachment belongs to (its event's sequence; NULL for the
-- case itself), checked: it exists on this case, and the actor may attach
-- to it: to the case, its lead deputy or the liaison committee; to a
-- record, someone of the organization that recorded it (the unit's clerk
-- attaches the sealed reply its head signed off).
CREATE OR REPLACE FUNCTION jy_attach_target(a accounts, s suggestions, p_to text, p_seq bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_kind text := jy_attach_event_kind(p_to);
	v_seq bigint;
	v_org bigint;
BEGIN
	IF p_to = 'suggestion' THEN
		IF NOT (coalesce(a.deputy_id = s.lead_deputy_id, false) OR 'liaison_officer' = ANY (a.roles)) THEN
			PERFORM jy_refuse('permission_denied', 'only the proposing deputy or the liaison committee '
			                  || 'may attach a file to suggestion ' || s.id, 'attached_to',
			                  'attach_proposer_only', jsonb_build_object('id', s.id));
		END IF;
		RETURN NULL;
	ELSIF v_kind IS NULL THEN
		PERFORM jy_refuse('invalid_argument', 'attached_to must be one of: suggestion, plan, contact, '
		                  || 'reply, follow_up, supervision', 'attached_to',
		                  'not_one_of', jsonb_build_object('field', 'attached_to', 'value', p_to));
	END IF;
	SELECT e.seq, ac.organization_id INTO v_seq, v_org
	  FROM events e JOIN accounts ac ON ac.id = e.actor_account_id
	 WHERE e.suggestion_id = s.id AND e.kind = v_kind AND (p_seq = 0 OR e.seq = p_seq)
	 ORDER BY e.seq DESC LIMIT 1;
	IF NOT FOUND AND p_seq = 0 THEN
		PERFORM jy_refuse('not_found', 'suggestion ' || s.id || ' has no ' || replace(p_to, '_', '-')
		                  || ' record yet', 'event_sequence',
		                  'no_record_yet', jsonb_build_object('id', s.id, 'record', p_to));
	ELSIF NOT FOUND THEN
		PERFORM jy_refuse('not_found', 'event ' || p_seq || ' is not a ' || replace(p_to, '_', '-')
		                  || ' record of suggestion ' || s.id, 'event_sequence',
		                  'not_a_record', jsonb_build_object('id', s.id, 'record', p_to, 'event', p_seq));
	ELSIF v_org IS DISTINCT FROM a.organization_id THEN
		PERFORM jy_refuse('permission_denied', 'only the organization that recorded event ' || v_seq
		                  || ' may attach files to it', 'event_sequence',
		                  'record_of_other', jsonb_build_object('event', v_seq));
	END IF;
	RETURN v_seq;
END $$;

-- The attachment p_id when the viewer may read it: a finished one on a
-- case the viewer sees (jy_can_see); the public (role public) reads only
-- those marked public. Unfinished ones only their uploader reads (to
-- resume). The same refusal for "none" and "not yours", as for cases.
CREATE OR REPLACE FUNCTION jy_attach_readable(p_viewer bigint, p_id bigint) RETURNS attachments
STABLE LANGUAGE plpgsql AS $$
DECLARE t attachments%ROWTYPE;
BEGIN
	-- another congress's attachment does not exist for the viewer
	SELECT * INTO t FROM attachments WHERE id = p_id AND congress_id = jy_congress_of(p_viewer);
	IF NOT FOUND THEN
		PERFORM jy_refuse('not_found', 'no attachment ' || coalesce(p_id::text, 'NULL'), 'attachment_id',
		                  'no_attachment', jsonb_build_object('id', coalesce(p_id::text, '')));
	ELSIF NOT ((t.finished_at IS NOT NULL AND jy_can_see(p_viewer, t.suggestion_id)
	            AND (t.public OR NOT jy_reads_as_public(p_viewer)))
	           OR (t.finished_at IS NULL AND t.uploaded_by = p_viewer)) THEN
		PERFORM jy_refuse('permission_denied', 'you have no access to attachment ' || p_id, 'attachment_id',
		                  'no_attachment_access', jsonb_build_object('id', p_id));
	END IF;
	RETURN t;
END $$;

-- The finished attachments of case p_id the viewer reads (jy_get; the
-- caller checked the case is visible).
CREATE OR REPLACE FUNCTION jy_case_attachments(p_viewer bigint, p_id bigint) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	v_public boolean := jy_reads_as_public(p_viewer);
BEGIN   -- PL/pgSQL: its plan is kept (as jy_reads_as_public's)
	RETURN (SELECT coalesce(jsonb_agg(jy_attach_json(t) ORDER BY t.id), '[]'::jsonb)
	          FROM attachments t
	         WHERE t.suggestion_id = p_id AND t.finished_at IS NOT NULL
	           AND (t.public OR NOT v_public));
END $$;

-- ---- the upload -------------------------------------------------------------------

-- AttachBeginRequest. The size was checked against the server's
-- attachment_max_bytes by jianyid (api/operations.c).
CREATE OR REPLACE FUNCTION jy_attach_begin(p_actor bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	a accounts := jy_actor(p_actor);
	s suggestions%ROWTYPE;
	v_to text := coalesce(nullif(jy_p_text(p, 'attached_to'), ''), 'suggestion');
	v_name text := jy_attach_name(jy_p_text(p, 'name'));
	v_sha text := jy_p_text(p, 'sha256');
	v_public boolean := coalesce(jy_p_bool(p, 'public'), false);
	t attachments%ROWTYPE;
BEGIN
	PERFORM jy_require_role(a, jy_inside_roles(), 'the congress, units and deputies', 'attach files');
	s := jy_case_for_update(a.id, jy_p_int(p, 'suggestion_id'), 'suggestion_id');
	IF v_name IS NULL OR length(v_name) > 200 THEN  -- JY_ATTACH_NAME_MAX
		PERFORM jy_refuse('invalid_argument', 'name must be 1 to 200 characters and not only dots', 'name',
		                  'bad_file_name', jsonb_build_object('max', 200));  -- JY_ATTACH_NAME_MAX
	ELSIF coalesce(v_sha, '') !~ '^[0-9a-f]{64}$' THEN
		PERFORM jy_refuse('invalid_argument', 'sha256 must be 64 lowercase hexadecimal digits', 'sha256',
		                  'bad_value', jsonb_build_object('field', 'sha256'));
	ELSIF coalesce(jy_p_int(p, 'size'), 0) <= 0 THEN
		PERFORM jy_refuse('invalid_argument', 'size must be at least 1 byte', 'size',
		                  'required', jsonb_build_object('field', 'size'));
	ELSIF v_public AND v_to <> 'reply' THEN
		PERFORM jy_refuse('invalid_argument', 'only an attachment of the reply can be public', 'public',
		                  'public_reply_only', '{}');
	END IF;
	INSERT INTO attachments (suggestion_id, attached_to, event_seq, name, size, sha256, public, uploaded_by)
	VALUES (s.id, v_to, jy_attach_target(a, s, v_to, coalesce(jy_p_int(p, 'event_sequence'), 0)),
	        v_name, jy_p_int(p, 'size'), v_sha, v_public, a.id)
	RETURNING * INTO t;
	RETURN jsonb_build_object('attachment', jy_attach_json(t));
END $$;

-- The unfinished upload p_id of the actor, locked.
CREATE OR REPLACE FUNCTION jy_attach_own(p_actor bigint, p_id bigint) RETURNS attachments
LANGUAGE plpgsql AS $$
DECLARE t attachments%ROWTYPE;
BEGIN
	SELECT * INTO t FROM attachments WHERE id = p_id FOR UPDATE;
	IF NOT FOUND OR t.uploaded_by <> p_actor THEN
		PERFORM jy_refuse('not_found', 'no upload ' || coalesce(p_id::text, 'NULL') || ' of yours',
		                  'attachment_id', 'no_upload', jsonb_build_object('id', coalesce(p_id::text, '')));
	END IF;
	RETURN t;
END $$;

-- AttachPutRequest: the bytes at offset. A chunk may repeat bytes already
-- stored (a retry after a cut link, a client that changed its chunk size):
-- only what lies past `received` is stored. The first bytes decide the type.
CREATE OR REPLACE FUNCTION jy_attach_put(p_actor bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	t attachments := jy_attach_own(p_actor, jy_p_int(p, 'attachment_id'));
	v_off bigint := coalesce(jy_p_int(p, 'offset'), 0);
	v_data bytea := decode(coalesce(jy_p_text(p, 'data'), ''), 'base64');
	v_new bytea;
BEGIN
	IF length(v_data) NOT BETWEEN 1 AND 262144 THEN  -- JY_ATTACH_CHUNK_MAX
		PERFORM jy_refuse('invalid_argument', 'data must be 1 to 262144 bytes', 'data',
		                  'chunk_size', jsonb_build_object('min', 1, 'max', 262144));  -- JY_ATTACH_CHUNK_MAX
	ELSIF t.finished_at IS NOT NULL THEN
		RETURN jsonb_build_object('attachment', jy_attach_json(t));
	ELSIF v_off < 0 OR v_off > t.received THEN
		PERFORM jy_refuse('failed_precondition', 'attachment ' || t.id || ' has ' || t.received
		                  || ' bytes stored; send the bytes from offset ' || t.received, 'offset',
		                  'upload_offset', jsonb_build_object('id', t.id, 'received', t.received));
	END IF;
	v_new := substring(v_data FROM (t.received - v_off + 1)::int);
	IF length(v_new) = 0 THEN
		RETURN jsonb_build_object('attachment', jy_attach_json(t));
	ELSIF t.received + length(v_new) > t.size THEN
		PERFORM jy_refuse('invalid_argument', 'attachment ' || t.id || ' was declared as ' || t.size
		                  || ' bytes; this chunk goes past its end', 'data',
		                  'past_declared_size', jsonb_build_object('id', t.id, 'size', t.size));
	END IF;
	IF t.received = 0 THEN
		t.mime_type := jy_attach_sniff(v_new, t.name);
		IF t.mime_type IS NULL THEN
			PERFORM jy_refuse('invalid_argument', 'the content of "' || t.name || '" is not a PDF, PNG, '
			                  || 'JPEG, Word, Excel or PowerPoint file', 'data',
			                  'file_type', jsonb_build_object('name', t.name::text));
		END IF;
	END IF;
	INSERT INTO attachment_chunks (attachment_id, off, data) VALUES (t.id, t.received, v_new);
	UPDATE attachments SET received = received + length(v_new), mime_type = t.mime_type
	 WHERE id = t.id RETURNING * INTO t;
	RETURN jsonb_build_object('attachment', jy_attach_json(t));
END $$;

-- The stored bytes [p_off, p_off + p_len) of attachment p_id.
CREATE OR REPLACE FUNCTION jy_attach_bytes(p_id bigint, p_off bigint, p_len int) RETURNS bytea
STABLE LANGUAGE sql AS $$
	SELECT coalesce(string_agg(substring(c.data FROM (greatest(p_off - c.off, 0) + 1)::int
	                                     FOR (least(c.off + length(c.data), p_off + p_len)
	                                          - greatest(c.off, p_off))::int),
	                           ''::bytea ORDER BY c.off), ''::bytea)
	  FROM attachment_chunks c
	 WHERE c.attachment_id = p_id AND c.off < p_off + p_len AND c.off + length(c.data) > p_off
$$;

-- AttachFinishRequest: every byte arrived and hashes (content_sha256, the
-- hash jianyid computed, never the client's) to the declared SHA-256; the attachment becomes readable and the case's timeline (and so
-- the feed, and the mirrors) records it.
CREATE OR REPLACE FUNCTION jy_attach_finish(p_actor bigint, p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	t attachments := jy_attach_own(p_actor, jy_p_int(p, 'attachment_id'));
	s suggestions%ROWTYPE;
	v_sha text;
	v_seq bigint;
BEGIN
	IF t.finished_at IS NOT NULL THEN
		PERFORM jy_refuse('failed_precondition', 'attachment ' || t.id || ' is already finished',
		                  'attachment_id', 'upload_finished', jsonb_build_object('id', t.id));
	ELSIF t.received < t.size THEN
		PERFORM jy_refuse('failed_precondition', 'attachment ' || t.id || ' has ' || t.received || ' of '
		                  || t.size || ' bytes; send the rest first', 'attachment_id',
		                  'upload_incomplete', jsonb_build_object('id', t.id, 'received', t.received, 'size', t.size));
	END IF;
	-- jianyid hashed the stored chunks one at a time before this transaction
	-- (api/handlers_attach.c): the chunks of an unfinished upload only grow
	-- past `received`, which is the size now, so they are the ones hashed.
	v_sha := coalesce(jy_p_text(p, 'content_sha256'), '');
	IF v_sha <> t.sha256 THEN
		PERFORM jy_refuse('failed_precondition', 'the bytes received hash to ' || v_sha
		                  || ', not to the declared SHA-256 ' || t.sha256 || '; upload the file again',
		                  'attachment_id', 'checksum_mismatch', jsonb_build_object('id', t.id));
	END IF;
	s := jy_case_for_update(p_actor, t.suggestion_id, 'attachment_id');
	UPDATE attachments SET finished_at = now() WHERE id = t.id RETURNING * INTO t;
	v_seq := jy_case_event(p_actor, s, 'attach', jsonb_build_object(
		'attachment_id', t.id, 'name', t.name::text, 'mime_type', t.mime_type::text, 'size', t.size,
		'sha256', t.sha256::text, 'attached_to', t.attached_to::text,
		'event_sequence', coalesce(t.event_seq, 0), 'public', t.public));
	RETURN jsonb_build_object('attachment', jy_attach_json(t), 'event_sequence', v_seq);
END $$;

-- ---- uploads given up ------------------------------------------------------------

-- The periodic job (server/push/jobs.c): an upload begun more than p_hours
-- ago and still unfinished was given up; it goes with its chunks, which
-- would otherwise stay forever. Returns how many went. SKIP LOCKED: an
-- upload a request is writing to waits for the next run, and several
-- jianyid on one database never wait for each other. A finished
-- attachment is never touched.
CREATE OR REPLACE FUNCTION jy_drop_unfinished_uploads(p_hours int) RETURNS int
VOLATILE LANGUAGE plpgsql AS $$
DECLARE v_dropped int;
BEGIN
	DELETE FROM attachments WHERE id IN (
		SELECT u.id FROM attachments u
		 WHERE u.finished_at IS NULL AND u.begun_at < now() - make_interval(hours => p_hours)
		   FOR UPDATE SKIP LOCKED);
	GET DIAGNOSTICS v_dropped = ROW_COUNT;
	RETURN v_dropped;
END $$;

-- ---- reading ----------------------------------------------------------------------

-- AttachFetchRequest: a range of a readable attachment, base64 in JSON
-- (bytes fields, db/pbjson.c).
CREATE OR REPLACE FUNCTION jy_attach_fetch(p_viewer bigint, p jsonb) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	t attachments := jy_attach_readable(p_viewer, jy_p_int(p, 'attachment_id'));
	v_off bigint := coalesce(jy_p_int(p, 'offset'), 0);
BEGIN
	IF t.finished_at IS NULL THEN
		PERFORM jy_refuse('failed_precondition', 'attachment ' || t.id || ' is not finished yet',
		                  'attachment_id', 'attachment_unfinished', jsonb_build_object('id', t.id));
	ELSIF v_off < 0 OR v_off > t.size THEN
		PERFORM jy_refuse('invalid_argument', 'offset must be from 0 to ' || t.size, 'offset',
		                  'out_of_range', jsonb_build_object('field', 'offset', 'min', 0, 'max', t.size));
	ELSIF coalesce(jy_p_int(p, 'length'), 0) NOT BETWEEN 1 AND 262144 THEN  -- JY_ATTACH_CHUNK_MAX
		PERFORM jy_refuse('invalid_argument', 'length must be 1 to 262144 bytes', 'length',
		                  'chunk_size', jsonb_build_object('min', 1, 'max', 262144));  -- JY_ATTACH_CHUNK_MAX
	END IF;
	RETURN jsonb_build_object('attachment', jy_attach_json(t), 'offset', v_off,
		'data', translate(encode(jy_attach_bytes(t.id, v_off, jy_p_int(p, 'length')::int), 'base64'),
		                  E'\n', ''));
END $$;

-- AttachListRequest: one attachment (with how much arrived: the uploader
-- resumes from there) or a visible case's finished ones.
CREATE OR REPLACE FUNCTION jy_attach_list(p_viewer bigint, p jsonb) RETURNS jsonb
STABLE LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint := coalesce(jy_p_int(p, 'attachment_id'), 0);
	v_case bigint := coalesce(jy_p_int(p, 'suggestion_id'), 0);
BEGIN
	IF v_id > 0 THEN
		RETURN jsonb_build_object('attachments',
		                          jsonb_build_array(jy_attach_json(jy_attach_readable(p_viewer, v_id))));
	ELSIF v_case <= 0 THEN
		PERFORM jy_refuse('invalid_argument', 'give suggestion_id or attachment_id', 'suggestion_id',
		                  'required', jsonb_build_object('field', 'suggestion_id'));
	ELSIF NOT EXISTS (SELECT 1 FROM suggestions WHERE id = v_case
	                  AND congress_id = jy_congress_of(p_viewer)) THEN
		PERFORM jy_refuse('not_found', 'no suggestion ' || v_case, 'suggestion_id',
		                  'no_case', jsonb_build_object('id', v_case));
	ELSIF NOT jy_can_see(p_viewer, v_case) THEN
		PERFORM jy_refuse('permission_denied', 'you have no access to suggestion ' || v_case, 'suggestion_id',
		                  'no_access', jsonb_build_object('id', v_case));
	END IF;
	RETURN jsonb_build_object('attachments', jy_case_attachments(p_viewer, v_case));
END $$;

-- ---- the portal -------------------------------------------------------------------

-- The public attachments of a case's replies, once the case is on the
-- portal (jy_portal_visible) of the congress p_congress names
-- (jy_portal_congress, 07_portal.sql).
CREATE OR REPLACE FUNCTION jy_portal_attachments(p_id bigint, p_congress text) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name::text,
	                          'mime_type', t.mime_type::text, 'size', t.size, 'sha256', t.sha256::text)
	                          ORDER BY t.id), '[]'::jsonb)
	  FROM attachments t JOIN suggestions s ON s.id = t.suggestion_id
	 WHERE t.suggestion_id = p_id AND t.public AND t.attached_to = 'reply'
	   AND t.finished_at IS NOT NULL AND jy_portal_visible(s)
	   AND s.congress_id = jy_portal_congress(p_congress)
$$;

-- The previous release's call (a rolling upgrade, docs/CONGRESSES.md): the
-- deployment's first congress.
CREATE OR REPLACE FUNCTION jy_portal_attachments(p_id bigint) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT jy_portal_attachments(p_id, NULL::text)
$$;

-- One public attachment's description and a range of its bytes (hex), for
-- the portal's download: NULL when it is not public, not published, or of
-- a case of another congress than p_congress's (/c/<code>/a/<id>).
CREATE OR REPLACE FUNCTION jy_portal_attachment(p_id bigint, p_off bigint, p_len int,
                                                p_congress text) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	SELECT jsonb_build_object('name', t.name::text, 'mime_type', t.mime_type::text, 'size', t.size,
	                          'data', encode(jy_attach_bytes(t.id, p_off, p_len), 'hex'))
	  FROM attachments t JOIN suggestions s ON s.id = t.suggestion_id
	 WHERE t.id = p_id AND t.public AND t.attached_to = 'reply'
	   AND t.finished_at IS NOT NULL AND jy_portal_visible(s)
	   AND s.congress_id = jy_portal_congress(p_congress)
$$;

CREATE OR REPLACE FUNCTION jy_portal_attachment(p_id bigint, p_off bigint, p_len int) RETURNS jsonb
STABLE LANGUAGE sql AS $$
	SELECT jy_portal_attachment(p_id, p_off, p_len, NULL::text)
$$;
