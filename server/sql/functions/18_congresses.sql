-- Many congresses in one deployment (docs/CONGRESSES.md; schema/0023):
-- the triggers that give a new row the congress of the row it belongs to
-- when its writer left congress_id out, and the congress hierarchy's
-- helpers. The composite foreign keys of schema/0023 then refuse a row
-- whose congress differs from its parent's, so a writer that names the
-- congress cannot name the wrong one.
--
-- A functions file (docs/WORKFLOW.md "Where the SQL lives"): re-applied whole,
-- in file order, whenever its text changes, so it holds only CREATE OR
-- REPLACE FUNCTION/VIEW and DROP TRIGGER IF EXISTS + CREATE TRIGGER. Each
-- function has its one definition here; change it in place. Comments say
-- what a function does and why; its history is in git.

-- ---- filling congress_id ------------------------------------------------------

-- Rows that hang off a case (its signers, units, records, events, notices,
-- topic and excellent rows, attachments): the case's congress.
CREATE OR REPLACE FUNCTION jy_congress_from_suggestion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT s.congress_id INTO NEW.congress_id FROM suggestions s WHERE s.id = NEW.suggestion_id;
	RETURN NEW;
END $$;

-- Rows of an account (certificates, enrollment codes, idempotency keys).
CREATE OR REPLACE FUNCTION jy_congress_from_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT a.congress_id INTO NEW.congress_id FROM accounts a WHERE a.id = NEW.account_id;
	RETURN NEW;
END $$;

-- A notice's recipients and deliveries: the notice's congress.
CREATE OR REPLACE FUNCTION jy_congress_from_notice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT n.congress_id INTO NEW.congress_id FROM notices n WHERE n.id = NEW.notice_id;
	RETURN NEW;
END $$;

-- An attachment's chunks.
CREATE OR REPLACE FUNCTION jy_congress_from_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT t.congress_id INTO NEW.congress_id FROM attachments t WHERE t.id = NEW.attachment_id;
	RETURN NEW;
END $$;

-- A suggestion: its lead deputy's congress (a deputy proposes in the
-- congress they were elected to).
CREATE OR REPLACE FUNCTION jy_congress_from_lead_deputy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT d.congress_id INTO NEW.congress_id FROM deputies d WHERE d.id = NEW.lead_deputy_id;
	RETURN NEW;
END $$;

-- An organization: its parent's congress, else the deployment's first.
CREATE OR REPLACE FUNCTION jy_congress_from_parent_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.congress_id := coalesce((SELECT o.congress_id FROM organizations o WHERE o.id = NEW.parent_id), 1);
	RETURN NEW;
END $$;

-- A deputy: the congress of their liaison station, else the deployment's
-- first (a station may host deputies of other levels: name the congress).
CREATE OR REPLACE FUNCTION jy_congress_from_station() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.congress_id := coalesce((SELECT o.congress_id FROM organizations o
	                             WHERE o.id = NEW.organization_id), 1);
	RETURN NEW;
END $$;

-- An account: its deputy's congress, else its organization's.
CREATE OR REPLACE FUNCTION jy_congress_of_new_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.congress_id := coalesce((SELECT d.congress_id FROM deputies d WHERE d.id = NEW.deputy_id),
	                            (SELECT o.congress_id FROM organizations o
	                             WHERE o.id = NEW.organization_id));
	RETURN NEW;
END $$;

-- A topic: its supervising committee's congress.
CREATE OR REPLACE FUNCTION jy_congress_from_committee() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT o.congress_id INTO NEW.congress_id FROM organizations o WHERE o.id = NEW.committee_id;
	RETURN NEW;
END $$;

-- An announcement of excellent suggestions: its announcer's congress.
CREATE OR REPLACE FUNCTION jy_congress_from_announcer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SELECT a.congress_id INTO NEW.congress_id FROM accounts a WHERE a.id = NEW.announced_by;
	RETURN NEW;
END $$;

-- Settings, counters and calendar days written without a congress (by the
-- previous release): the deployment's first congress's.
CREATE OR REPLACE FUNCTION jy_congress_first() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.congress_id := 1;
	RETURN NEW;
END $$;

-- One trigger per table, fired only when the writer left the congress out.
DROP TRIGGER IF EXISTS organizations_congress ON organizations;
CREATE TRIGGER organizations_congress BEFORE INSERT ON organizations FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_parent_org();
DROP TRIGGER IF EXISTS deputies_congress ON deputies;
CREATE TRIGGER deputies_congress BEFORE INSERT ON deputies FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_station();
DROP TRIGGER IF EXISTS accounts_congress ON accounts;
CREATE TRIGGER accounts_congress BEFORE INSERT ON accounts FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_of_new_account();
DROP TRIGGER IF EXISTS suggestions_congress ON suggestions;
CREATE TRIGGER suggestions_congress BEFORE INSERT ON suggestions FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_lead_deputy();
DROP TRIGGER IF EXISTS topics_congress ON topics;
CREATE TRIGGER topics_congress BEFORE INSERT ON topics FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_committee();
DROP TRIGGER IF EXISTS excellent_announcements_congress ON excellent_announcements;
CREATE TRIGGER excellent_announcements_congress BEFORE INSERT ON excellent_announcements
	FOR EACH ROW WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_announcer();
DROP TRIGGER IF EXISTS attachment_chunks_congress ON attachment_chunks;
CREATE TRIGGER attachment_chunks_congress BEFORE INSERT ON attachment_chunks FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_attachment();

DROP TRIGGER IF EXISTS suggestion_signers_congress ON suggestion_signers;
CREATE TRIGGER suggestion_signers_congress BEFORE INSERT ON suggestion_signers FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS suggestion_units_congress ON suggestion_units;
CREATE TRIGGER suggestion_units_congress BEFORE INSERT ON suggestion_units FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS contacts_congress ON contacts;
CREATE TRIGGER contacts_congress BEFORE INSERT ON contacts FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS opinions_congress ON opinions;
CREATE TRIGGER opinions_congress BEFORE INSERT ON opinions FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS extensions_congress ON extensions;
CREATE TRIGGER extensions_congress BEFORE INSERT ON extensions FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS replies_congress ON replies;
CREATE TRIGGER replies_congress BEFORE INSERT ON replies FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS follow_ups_congress ON follow_ups;
CREATE TRIGGER follow_ups_congress BEFORE INSERT ON follow_ups FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS evaluations_congress ON evaluations;
CREATE TRIGGER evaluations_congress BEFORE INSERT ON evaluations FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS supervision_notes_congress ON supervision_notes;
CREATE TRIGGER supervision_notes_congress BEFORE INSERT ON supervision_notes FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS events_congress ON events;
CREATE TRIGGER events_congress BEFORE INSERT ON events FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS notices_congress ON notices;
CREATE TRIGGER notices_congress BEFORE INSERT ON notices FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS topic_suggestions_congress ON topic_suggestions;
CREATE TRIGGER topic_suggestions_congress BEFORE INSERT ON topic_suggestions FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS excellent_nominations_congress ON excellent_nominations;
CREATE TRIGGER excellent_nominations_congress BEFORE INSERT ON excellent_nominations FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS excellent_scores_congress ON excellent_scores;
CREATE TRIGGER excellent_scores_congress BEFORE INSERT ON excellent_scores FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();
DROP TRIGGER IF EXISTS attachments_congress ON attachments;
CREATE TRIGGER attachments_congress BEFORE INSERT ON attachments FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_suggestion();

DROP TRIGGER IF EXISTS certificates_congress ON certificates;
CREATE TRIGGER certificates_congress BEFORE INSERT ON certificates FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_account();
DROP TRIGGER IF EXISTS enrollment_codes_congress ON enrollment_codes;
CREATE TRIGGER enrollment_codes_congress BEFORE INSERT ON enrollment_codes FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_account();
DROP TRIGGER IF EXISTS idempotency_congress ON idempotency;
CREATE TRIGGER idempotency_congress BEFORE INSERT ON idempotency FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_account();

DROP TRIGGER IF EXISTS notice_recipients_congress ON notice_recipients;
CREATE TRIGGER notice_recipients_congress BEFORE INSERT ON notice_recipients FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_notice();
DROP TRIGGER IF EXISTS notice_deliveries_congress ON notice_deliveries;
CREATE TRIGGER notice_deliveries_congress BEFORE INSERT ON notice_deliveries FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_from_notice();

DROP TRIGGER IF EXISTS settings_congress ON settings;
CREATE TRIGGER settings_congress BEFORE INSERT ON settings FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_first();
DROP TRIGGER IF EXISTS registration_counters_congress ON registration_counters;
CREATE TRIGGER registration_counters_congress BEFORE INSERT ON registration_counters FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_first();
DROP TRIGGER IF EXISTS calendar_days_congress ON calendar_days;
CREATE TRIGGER calendar_days_congress BEFORE INSERT ON calendar_days FOR EACH ROW
	WHEN (NEW.congress_id IS NULL) EXECUTE FUNCTION jy_congress_first();

-- ---- the hierarchy --------------------------------------------------------------

-- A new congress's path: its parent's with itself appended (schema/0023:
-- the roll-up reads "every congress whose path holds mine").
CREATE OR REPLACE FUNCTION jy_congress_path() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.path := coalesce((SELECT c.path FROM congresses c WHERE c.id = NEW.parent_id), '{}')
	            || NEW.id;
	RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS congresses_path ON congresses;
CREATE TRIGGER congresses_path BEFORE INSERT ON congresses FOR EACH ROW
	EXECUTE FUNCTION jy_congress_path();
