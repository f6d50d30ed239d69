-- 0016: a case that leaves the record (withdrawn, merged into another,
-- converted to a letter) leaves the portal too. The rule is kept by the
-- trigger suggestions_off_portal (07_portal.sql) from now on; this takes
-- off the portal the cases that left it before the trigger existed,
-- including those closed afterwards (the close's from_state).
UPDATE suggestions s SET published = false
WHERE s.published
  AND (s.state IN ('withdrawn', 'merged', 'converted')
       OR s.merged_into IS NOT NULL OR s.converted_to IS NOT NULL
       OR (s.state = 'closed'
           AND (SELECT e.from_state FROM events e WHERE e.suggestion_id = s.id AND e.kind = 'close'
                ORDER BY e.seq DESC LIMIT 1) = 'withdrawn'));
