-- Enrollment (docs/ARCHITECTURE.md "Enrollment"): a one-time code redeemed
-- for a certificate. jianyid checks the code (jy_enroll_check), signs the
-- request with its issuing CA, then redeems the code and binds the
-- certificate in one step (jy_enroll_redeem): of two uses of one code at the
-- same time, one wins.
--
-- Functions only (CREATE OR REPLACE FUNCTION/VIEW, DROP TRIGGER IF EXISTS +
-- CREATE TRIGGER): this file is applied again whenever it changes
-- (docs/WORKFLOW.md "Where the SQL lives").

-- Wrong secrets a code survives; the next one voids it.
CREATE OR REPLACE FUNCTION jy_enroll_max_code_failures() RETURNS int IMMUTABLE LANGUAGE sql AS $$
	SELECT 5
$$;

-- Why a code that matched cannot be used now; NULL when it can. An expired
-- code names its end in the congress's time zone (the reason's "at").
CREATE OR REPLACE FUNCTION jy_enroll_unusable(c enrollment_codes) RETURNS jsonb STABLE LANGUAGE sql AS $$
	SELECT CASE
		WHEN c.voided_at IS NOT NULL THEN jy_result('permission_denied',
			'this enrollment code was voided after too many wrong attempts; '
			|| 'ask an administrator for a new one', 'code', 'enroll_code_voided')
		WHEN c.used_at IS NOT NULL THEN jy_result('failed_precondition',
			'this enrollment code was already used; ask an administrator for a new one', 'code',
			'enroll_code_used')
		WHEN c.expires_at <= now() THEN jy_result('failed_precondition',
			'this enrollment code expired at ' || jy_rfc3339(c.expires_at)
			|| '; ask an administrator for a new one', 'code', 'enroll_code_expired',
			jsonb_build_object('at', to_char(c.expires_at AT TIME ZONE jy_setting(c.congress_id, 'time_zone'),
			                                 'YYYY-MM-DD HH24:MI')))
		WHEN (SELECT disabled FROM accounts WHERE id = c.account_id) THEN jy_result('permission_denied',
			'the account of this enrollment code is disabled', 'code', 'account_disabled')
	END
$$;

-- Checks a code (its id and the SHA-256 of its secret) for a client at
-- p_address. A wrong secret is counted against the address and the code
-- (the code is voided after jy_enroll_max_code_failures); an address with
-- p_address_limit failures in the last hour is refused at once. Answers the
-- account to sign for, or a refusal.
CREATE OR REPLACE FUNCTION jy_enroll_check(p_code_id bigint, p_secret_sha256 text, p_address text,
					   p_address_limit int)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	c enrollment_codes;
	a accounts;
	why jsonb;
BEGIN
	DELETE FROM enrollment_failures WHERE failed_at < now() - interval '1 day';
	IF (SELECT count(*) FROM enrollment_failures
	    WHERE address = p_address AND failed_at > now() - interval '1 hour') >= p_address_limit THEN
		RETURN jy_result('resource_exhausted',
			'too many wrong enrollment codes from this address; try again in an hour', '',
			'enroll_address_limit');
	END IF;
	SELECT * INTO c FROM enrollment_codes WHERE id = p_code_id FOR UPDATE;
	IF NOT FOUND OR c.secret_sha256 <> p_secret_sha256 THEN
		INSERT INTO enrollment_failures (address, code_id) VALUES (p_address, c.id);
		IF FOUND AND c.id IS NOT NULL THEN
			UPDATE enrollment_codes
			SET failed_attempts = failed_attempts + 1,
			    voided_at = CASE WHEN failed_attempts + 1 >= jy_enroll_max_code_failures()
					     THEN coalesce(voided_at, now()) ELSE voided_at END
			WHERE id = c.id;
		END IF;
		RETURN jy_result('permission_denied', 'this enrollment code is not valid; check it, or ask an '
				 || 'administrator for a new one', 'code', 'enroll_code_wrong');
	END IF;
	why := jy_enroll_unusable(c);
	IF why IS NOT NULL THEN
		RETURN why;
	END IF;
	SELECT * INTO a FROM accounts WHERE id = c.account_id;
	RETURN jsonb_build_object('code', 'ok', 'account_id', a.id, 'login', a.login,
				  'display_name', a.display_name);
END $$;

-- Redeems the code and binds the certificate to its account, atomically:
-- the row lock makes a second use of the same code wait, then see it used.
CREATE OR REPLACE FUNCTION jy_enroll_redeem(p_code_id bigint, p_secret_sha256 text, p_cert_sha256 text,
					    p_subject text, p_not_after timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	c enrollment_codes;
	why jsonb;
BEGIN
	SELECT * INTO c FROM enrollment_codes
	WHERE id = p_code_id AND secret_sha256 = p_secret_sha256 FOR UPDATE;
	IF NOT FOUND THEN
		RETURN jy_result('permission_denied', 'this enrollment code is not valid', 'code',
				 'enroll_code_wrong');
	END IF;
	why := jy_enroll_unusable(c);
	IF why IS NOT NULL THEN
		RETURN why;
	END IF;
	INSERT INTO certificates (sha256, account_id, subject, not_after)
	VALUES (p_cert_sha256, c.account_id, p_subject, p_not_after);
	UPDATE enrollment_codes SET used_at = now(), certificate_sha256 = p_cert_sha256 WHERE id = c.id;
	RETURN jsonb_build_object('code', 'ok', 'login', (SELECT login FROM accounts WHERE id = c.account_id));
END $$;
