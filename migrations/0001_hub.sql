-- fourroads team hub, schema version 1 (SPEC §12).
-- Every change travels as an operation; the hub keeps them keyed by the workstation that
-- made them and its sequence number, so pushes are idempotent and pulls resume from a
-- per-workstation position. The columns beside the payload (author, role, kind, customer,
-- subject, the PostgreSQL role that pushed) are what grants and row-level security will
-- check to enforce "who may change what"; that enforcement is a later migration.

CREATE TABLE workstations (
    workstation_id uuid PRIMARY KEY,
    -- The PostgreSQL role that registered the workstation: the only one that may push
    -- as it once row-level security is on.
    registered_by name NOT NULL DEFAULT current_user,
    registered_at timestamptz NOT NULL DEFAULT now(),
    -- The highest sequence number stored; a push only ever appends high_seq + 1, so every
    -- sequence number up to it is present.
    high_seq bigint NOT NULL DEFAULT 0 CHECK (high_seq >= 0),
    last_push_at timestamptz
);

CREATE TABLE ops (
    workstation_id uuid NOT NULL REFERENCES workstations (workstation_id),
    seq bigint NOT NULL CHECK (seq > 0),
    author text NOT NULL,
    role text NOT NULL CHECK (role IN ('agent', 'lead')),
    hlc_ms bigint NOT NULL CHECK (hlc_ms >= 0),
    hlc_counter bigint NOT NULL CHECK (hlc_counter >= 0),
    kind text NOT NULL CHECK (kind IN (
        'customer-create', 'customer-field', 'customer-status', 'call-put', 'call-notes',
        'review', 'acknowledge', 'case-open', 'case-close', 'case-reopen', 'case-due',
        'audit', 'erase', 'gone')),
    -- The customer the change is about, and the call, case or audit entry it is to.
    customer_id uuid NOT NULL,
    subject_id uuid,
    payload_version smallint NOT NULL CHECK (payload_version > 0),
    -- NULL once the customer is erased (kind is then 'gone').
    payload bytea,
    pushed_by name NOT NULL DEFAULT current_user,
    pushed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workstation_id, seq),
    CHECK ((kind = 'gone') = (payload IS NULL))
);

CREATE INDEX ops_by_customer ON ops (customer_id);
CREATE INDEX ops_by_subject ON ops (subject_id) WHERE subject_id IS NOT NULL;

-- Customers erased: their ids are all the hub keeps about them.
CREATE TABLE erased_customers (
    customer_id uuid PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now(),
    erased_by name NOT NULL DEFAULT current_user
);
