-- Enrollment (docs/ARCHITECTURE.md "Enrollment"): one-time codes an
-- administrator issues for an account (`jianyid admin enroll-code`); a client
-- redeems one with a certificate request over TLS and gets a certificate
-- bound to that account. Only the SHA-256 of a code's secret is kept.
CREATE TABLE enrollment_codes (
	id              bigserial PRIMARY KEY,
	account_id      bigint NOT NULL REFERENCES accounts (id),
	secret_sha256   text NOT NULL,
	created_at      timestamptz NOT NULL DEFAULT now(),
	expires_at      timestamptz NOT NULL,
	failed_attempts int NOT NULL DEFAULT 0,
	voided_at       timestamptz,           -- too many wrong secrets: never usable again
	used_at         timestamptz,
	certificate_sha256 text REFERENCES certificates (sha256),
	CONSTRAINT enrollment_codes_secret_check CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
	CONSTRAINT enrollment_codes_used_check CHECK ((used_at IS NULL) = (certificate_sha256 IS NULL))
);

CREATE INDEX enrollment_codes_account_idx ON enrollment_codes (account_id);

-- Failed attempts by network address: past a bound in the last hour an
-- address is refused before its code is even looked at.
CREATE TABLE enrollment_failures (
	address   text NOT NULL,
	code_id   bigint,                      -- NULL when the code named no code
	failed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX enrollment_failures_address_idx ON enrollment_failures (address, failed_at);
CREATE INDEX enrollment_failures_at_idx ON enrollment_failures (failed_at);
