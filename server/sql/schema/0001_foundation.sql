-- 0001: the foundation: who is who. Organizations (the congress's offices,
-- the government, handling units, stations), deputies, the accounts people
-- log in with, and the client certificates that identify those accounts.
-- Applied by migrate.c inside one transaction; schema_migrations is its own.

CREATE TABLE organizations (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name       text NOT NULL,
	kind       text NOT NULL,
	parent_id  bigint REFERENCES organizations (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT organizations_name_key UNIQUE (name),
	CONSTRAINT organizations_name_check CHECK (length(btrim(name)) > 0),
	CONSTRAINT organizations_kind_check CHECK (kind IN (
		'liaison_committee', 'government_office', 'handling_unit',
		'special_committee', 'standing_committee', 'government_leadership',
		'liaison_station', 'township_congress', 'administration')),
	CONSTRAINT organizations_parent_check CHECK (parent_id IS DISTINCT FROM id)
);

CREATE INDEX organizations_parent_idx ON organizations (parent_id);

CREATE TABLE deputies (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name            text NOT NULL,
	term            int NOT NULL,
	delegation      text,
	phone           text,
	-- the liaison station the deputy belongs to
	organization_id bigint REFERENCES organizations (id),
	created_at      timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT deputies_name_check CHECK (length(btrim(name)) > 0),
	CONSTRAINT deputies_term_check CHECK (term > 0)
);

CREATE INDEX deputies_organization_idx ON deputies (organization_id);

CREATE INDEX deputies_term_name_idx ON deputies (term, name);

CREATE TABLE accounts (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	login           text NOT NULL,
	display_name    text NOT NULL,
	organization_id bigint NOT NULL REFERENCES organizations (id),
	roles           text[] NOT NULL,
	deputy_id       bigint REFERENCES deputies (id),
	disabled        boolean NOT NULL DEFAULT false,
	created_at      timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT accounts_login_key UNIQUE (login),
	CONSTRAINT accounts_login_check CHECK (login ~ '^[a-z0-9._-]{2,64}$'),
	CONSTRAINT accounts_display_name_check CHECK (length(btrim(display_name)) > 0),
	-- at least one role, every role known, no NULL element
	CONSTRAINT accounts_roles_check CHECK (
		cardinality(roles) >= 1
		AND array_position(roles, NULL) IS NULL
		AND roles <@ ARRAY['deputy', 'liaison_officer', 'government_officer',
		                   'unit_clerk', 'unit_head', 'committee_member',
		                   'leader', 'admin', 'public']::text[])
);

CREATE INDEX accounts_organization_idx ON accounts (organization_id);

CREATE INDEX accounts_deputy_idx ON accounts (deputy_id) WHERE deputy_id IS NOT NULL;

-- A client certificate, named by the SHA-256 of its DER encoding, maps to one
-- account. Revocation keeps the row (audit) and sets revoked_at.
CREATE TABLE certificates (
	sha256     text PRIMARY KEY,
	account_id bigint NOT NULL REFERENCES accounts (id),
	subject    text NOT NULL,
	not_after  timestamptz NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	revoked_at timestamptz,
	CONSTRAINT certificates_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$')
);

CREATE INDEX certificates_account_idx ON certificates (account_id);
