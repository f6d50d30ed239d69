-- 0019: jy_notice_number built the case number a second time; every
-- functions file now calls jy_case_number (00_foundation.sql). Its old
-- definition is dropped from databases that had it.
DROP FUNCTION IF EXISTS jy_notice_number(suggestions);
