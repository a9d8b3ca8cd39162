-- fourroads team hub, schema version 4: the hub itself enforces who may change what
-- (SPEC §12), whatever client connects, psql included. There is no fourroads server: the
-- database is the whole perimeter.
--
-- `hub::migrate` replaces the placeholders before running this file: @schema@, @owner@,
-- @agents@ and @leads@ by quoted names, @schema_text@, @owner_text@, @agents_text@ and
-- @leads_text@ by quoted literals. It has made the three NOLOGIN roles already: the owner
-- of every object below, and the two groups every person's login joins.
--
-- Why `session_user` and not `current_user` everywhere below: inside a SECURITY DEFINER
-- function (the erase, the trigger that checks every pushed change) and after a `SET ROLE`,
-- `current_user` is another role; `session_user` stays the login that connected, which is
-- the person the hub must hold to account.

-- The hub's own settings: its role names and the bounds on what a change may be.
CREATE TABLE hub (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    owner_role name NOT NULL,
    agents_role name NOT NULL,
    leads_role name NOT NULL,
    -- A change's clock stamp may run ahead of the hub's clock by at most this much
    -- (10 minutes): one workstation with a wrong clock must not drag every other
    -- workstation's hybrid clock into the future.
    max_ahead_ms bigint NOT NULL DEFAULT 600000 CHECK (max_ahead_ms > 0),
    -- The largest payload: a call's notes (typed notes stop at 8 MiB) and anything else.
    max_notes_bytes integer NOT NULL DEFAULT 8454144 CHECK (max_notes_bytes > 0),
    max_payload_bytes integer NOT NULL DEFAULT 262144 CHECK (max_payload_bytes > 0)
);
INSERT INTO hub (owner_role, agents_role, leads_role)
VALUES (@owner_text@, @agents_text@, @leads_text@);

-- The people of the team: each connects as their own login, and the hub's record of that
-- login is their name on calls and their role.
CREATE TABLE members (
    login name PRIMARY KEY,
    name text NOT NULL UNIQUE
        CHECK (name = btrim(name) AND name <> '' AND length(name) <= 80
               AND name !~ '[[:cntrl:]]'),
    role text NOT NULL CHECK (role IN ('agent', 'lead')),
    added_at timestamptz NOT NULL DEFAULT now(),
    added_by name NOT NULL DEFAULT session_user,
    -- Set by `team remove`: the login is disabled, past work stays theirs.
    removed_at timestamptz
);

ALTER TABLE workstations ALTER COLUMN registered_by SET DEFAULT session_user;
ALTER TABLE workstations ADD COLUMN last_sync_at timestamptz;
CREATE INDEX workstations_by_login ON workstations (registered_by);

ALTER TABLE ops ALTER COLUMN pushed_by SET DEFAULT session_user;
ALTER TABLE ops ADD CONSTRAINT ops_counter_fits CHECK (hlc_counter <= 4294967295);
ALTER TABLE erased_customers ALTER COLUMN erased_by SET DEFAULT session_user;

-- The workstation that took each call: the only one whose changes to the call count.
CREATE TABLE call_origins (
    call_id uuid PRIMARY KEY,
    customer_id uuid NOT NULL,
    workstation_id uuid NOT NULL REFERENCES workstations (workstation_id)
);
CREATE INDEX call_origins_by_customer ON call_origins (customer_id);
-- A hub that worked before this version: the earliest put of each call is its origin, as
-- the workstations' merge has always said.
INSERT INTO call_origins (call_id, customer_id, workstation_id)
SELECT DISTINCT ON (subject_id) subject_id, customer_id, workstation_id
FROM ops
WHERE kind IN ('call-put', 'call-notes') AND subject_id IS NOT NULL
ORDER BY subject_id, kind <> 'call-put', hlc_ms, hlc_counter, workstation_id;

-- Who is connected, as the hub knows them. SECURITY DEFINER so that policies can ask
-- without every member reading `members` under its own policies.
CREATE FUNCTION fourroads_my_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, @schema@, pg_temp
AS $$ SELECT role FROM members WHERE login = session_user AND removed_at IS NULL $$;

CREATE FUNCTION fourroads_my_name() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, @schema@, pg_temp
AS $$ SELECT name FROM members WHERE login = session_user AND removed_at IS NULL $$;

-- The login that runs `team init` and `team add` (a member of the owner role): it may
-- bring a store's history in as it is.
CREATE FUNCTION fourroads_is_owner() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, @schema@, pg_temp
AS $$ SELECT pg_has_role(session_user, owner_role, 'MEMBER') FROM hub $$;

-- MessagePack, read just far enough to tell what a payload says it is: its kind, the
-- customer it is about and the record it changes (see `domain::ops::Payload`). A payload
-- that is not MessagePack raises an error (get_byte past the end, or a byte never used).
-- These helpers run as their caller (no member may call them) and set no search_path of
-- their own: a function that sets one pays for it on every call, and the trigger that
-- calls them has its own pinned.
CREATE FUNCTION fourroads_mp_uint(p bytea, pos integer, width integer) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
    n bigint := 0;
BEGIN
    FOR i IN 0 .. width - 1 LOOP
        n := n * 256 + get_byte(p, pos + i);
    END LOOP;
    RETURN n;
END $$;

-- The position after the value that starts at `pos`.
CREATE FUNCTION fourroads_mp_skip(p bytea, pos integer) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
    todo bigint := 1;
    b integer;
BEGIN
    WHILE todo > 0 LOOP
        b := get_byte(p, pos);
        pos := pos + 1;
        todo := todo - 1;
        IF b <= 127 OR b >= 224 OR b IN (192, 194, 195) THEN
            NULL;
        ELSIF b <= 143 THEN todo := todo + 2 * (b - 128);
        ELSIF b <= 159 THEN todo := todo + (b - 144);
        ELSIF b <= 191 THEN pos := pos + (b - 160);
        ELSIF b IN (196, 217) THEN pos := pos + 1 + get_byte(p, pos);
        ELSIF b IN (197, 218) THEN pos := pos + 2 + fourroads_mp_uint(p, pos, 2);
        ELSIF b IN (198, 219) THEN pos := pos + 4 + fourroads_mp_uint(p, pos, 4);
        ELSIF b = 199 THEN pos := pos + 2 + get_byte(p, pos);
        ELSIF b = 200 THEN pos := pos + 3 + fourroads_mp_uint(p, pos, 2);
        ELSIF b = 201 THEN pos := pos + 5 + fourroads_mp_uint(p, pos, 4);
        ELSIF b IN (204, 208) THEN pos := pos + 1;
        ELSIF b IN (205, 209) THEN pos := pos + 2;
        ELSIF b IN (202, 206, 210) THEN pos := pos + 4;
        ELSIF b IN (203, 207, 211) THEN pos := pos + 8;
        ELSIF b = 212 THEN pos := pos + 2;
        ELSIF b = 213 THEN pos := pos + 3;
        ELSIF b = 214 THEN pos := pos + 5;
        ELSIF b = 215 THEN pos := pos + 9;
        ELSIF b = 216 THEN pos := pos + 17;
        ELSIF b = 220 THEN todo := todo + fourroads_mp_uint(p, pos, 2); pos := pos + 2;
        ELSIF b = 221 THEN todo := todo + fourroads_mp_uint(p, pos, 4); pos := pos + 4;
        ELSIF b = 222 THEN todo := todo + 2 * fourroads_mp_uint(p, pos, 2); pos := pos + 2;
        ELSIF b = 223 THEN todo := todo + 2 * fourroads_mp_uint(p, pos, 4); pos := pos + 4;
        ELSE
            RAISE EXCEPTION 'not MessagePack (byte % at %)', b, pos - 1;
        END IF;
    END LOOP;
    IF pos > octet_length(p) THEN
        RAISE EXCEPTION 'MessagePack cut short';
    END IF;
    RETURN pos;
END $$;

-- A map's size at `pos`, or NULL when the value there is not a map.
CREATE FUNCTION fourroads_mp_map(p bytea, pos integer, OUT entries bigint, OUT next integer)
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
    b integer := get_byte(p, pos);
BEGIN
    IF b BETWEEN 128 AND 143 THEN entries := b - 128; next := pos + 1;
    ELSIF b = 222 THEN entries := fourroads_mp_uint(p, pos + 1, 2); next := pos + 3;
    ELSIF b = 223 THEN entries := fourroads_mp_uint(p, pos + 1, 4); next := pos + 5;
    END IF;
END $$;

-- A string at `pos` (NULL when the value there is not a string) and the position after.
CREATE FUNCTION fourroads_mp_text(p bytea, pos integer, OUT value text, OUT next integer)
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
    b integer := get_byte(p, pos);
    len bigint;
    start integer;
BEGIN
    IF b BETWEEN 160 AND 191 THEN len := b - 160; start := pos + 1;
    ELSIF b = 217 THEN len := get_byte(p, pos + 1); start := pos + 2;
    ELSIF b = 218 THEN len := fourroads_mp_uint(p, pos + 1, 2); start := pos + 3;
    ELSIF b = 219 THEN len := fourroads_mp_uint(p, pos + 1, 4); start := pos + 5;
    ELSE
        next := fourroads_mp_skip(p, pos);
        RETURN;
    END IF;
    IF start + len > octet_length(p) THEN
        RAISE EXCEPTION 'MessagePack cut short';
    END IF;
    value := convert_from(substring(p FROM start + 1 FOR len::integer), 'UTF8');
    next := start + len::integer;
END $$;

-- An id (16 bytes of binary) at `pos` (NULL when the value there is not one).
CREATE FUNCTION fourroads_mp_uuid(p bytea, pos integer) RETURNS uuid
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
BEGIN
    IF get_byte(p, pos) = 196 AND get_byte(p, pos + 1) = 16 THEN
        RETURN encode(substring(p FROM pos + 3 FOR 16), 'hex')::uuid;
    END IF;
    RETURN NULL;
END $$;

-- The kind, customer and subject a payload names. The subject is the call, case, audit
-- entry or kept customer the change is to (as `Payload::subject`); a call put carries them
-- inside its call. Keys are compared as bytes, and the walk stops as soon as all three are
-- known (fourroads writes them first): one pushed change costs a few steps, not a walk
-- over its notes. A payload with a key twice is refused by every workstation's decoder.
CREATE FUNCTION fourroads_payload_head(p bytea, OUT kind text, OUT customer uuid,
                                       OUT subject uuid)
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
    top record;
    value record;
    inner_map record;
    pos integer;
    at integer;
    b integer;
    key bytea;
    inner_key bytea;
    want_subject boolean := true;
BEGIN
    top := fourroads_mp_map(p, 0);
    IF top.entries IS NULL THEN
        RAISE EXCEPTION 'the payload is not a map';
    END IF;
    pos := top.next;
    FOR i IN 1 .. top.entries LOOP
        b := get_byte(p, pos);
        IF b BETWEEN 160 AND 191 THEN
            key := substring(p FROM pos + 2 FOR b - 160);
            pos := pos + 1 + (b - 160);
        ELSE
            -- Not a short string: no key fourroads reads.
            key := NULL;
            pos := fourroads_mp_skip(p, pos);
        END IF;
        IF key = '\x6b696e64'::bytea THEN -- kind
            value := fourroads_mp_text(p, pos);
            kind := value.value;
            want_subject := kind NOT IN ('customer-create', 'customer-field',
                                         'customer-status', 'erase');
            pos := value.next;
            CONTINUE;
        ELSIF key = '\x637573746f6d6572'::bytea THEN -- customer
            customer := fourroads_mp_uuid(p, pos);
        ELSIF key IN ('\x63616c6c'::bytea, '\x63617365'::bytea, '\x696e746f'::bytea,
                      '\x656e747279'::bytea) THEN -- call, case, into, entry
            inner_map := fourroads_mp_map(p, pos);
            IF inner_map.entries IS NULL THEN
                subject := fourroads_mp_uuid(p, pos);
            ELSE
                -- A call put's call (its id and customer) or an audit entry (its id).
                at := inner_map.next;
                FOR j IN 1 .. inner_map.entries LOOP
                    b := get_byte(p, at);
                    IF b BETWEEN 160 AND 191 THEN
                        inner_key := substring(p FROM at + 2 FOR b - 160);
                        at := at + 1 + (b - 160);
                    ELSE
                        inner_key := NULL;
                        at := fourroads_mp_skip(p, at);
                    END IF;
                    IF inner_key = '\x6964'::bytea THEN -- id
                        subject := fourroads_mp_uuid(p, at);
                    ELSIF inner_key = '\x637573746f6d65725f6964'::bytea THEN -- customer_id
                        customer := fourroads_mp_uuid(p, at);
                    END IF;
                    EXIT WHEN subject IS NOT NULL
                              AND (key <> '\x63616c6c'::bytea OR customer IS NOT NULL);
                    at := fourroads_mp_skip(p, at);
                END LOOP;
            END IF;
        END IF;
        IF kind IS NOT NULL AND customer IS NOT NULL
           AND (subject IS NOT NULL OR NOT want_subject) THEN
            IF NOT want_subject THEN
                subject := NULL;
            END IF;
            RETURN;
        END IF;
        pos := fourroads_mp_skip(p, pos);
    END LOOP;
END $$;

-- Every pushed change passes here before the row-level policies look at it: the
-- workstation's log goes on without a gap (the hub keeps its high sequence itself), the
-- same sequence sent again must be the same change, the stamp is not far ahead of the
-- hub's clock, the payload is what its envelope says and not too large, and a call
-- changes only from the workstation that took it.
CREATE FUNCTION fourroads_check_op() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, @schema@, pg_temp
AS $$
DECLARE
    settings hub%ROWTYPE;
    high bigint;
    old ops%ROWTYPE;
    head record;
    origin uuid;
    now_ms bigint;
BEGIN
    SELECT * INTO settings FROM hub;
    SELECT high_seq INTO high FROM workstations
    WHERE workstation_id = NEW.workstation_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'FR004', MESSAGE = format(
            'workstation %s is not registered at the hub', NEW.workstation_id);
    END IF;
    IF NEW.seq <= high THEN
        SELECT * INTO old FROM ops
        WHERE workstation_id = NEW.workstation_id AND seq = NEW.seq;
        IF FOUND AND old.customer_id = NEW.customer_id AND old.author = NEW.author
           AND old.role = NEW.role AND old.hlc_ms = NEW.hlc_ms
           AND old.hlc_counter = NEW.hlc_counter
           AND (old.kind = 'gone' OR NEW.kind = 'gone'
                OR (old.kind = NEW.kind AND old.payload = NEW.payload
                    AND old.payload_version = NEW.payload_version
                    AND old.subject_id IS NOT DISTINCT FROM NEW.subject_id)) THEN
            -- Sent again after a reply was lost: it is here already.
            RETURN NULL;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'FR002', MESSAGE = format(
            'the hub holds a different change %s of workstation %s: two stores use this '
            'workstation''s id (a copied store folder?)', NEW.seq, NEW.workstation_id);
    END IF;
    IF NEW.seq <> high + 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'FR001', MESSAGE = format(
            'change %s of workstation %s would leave a gap: the hub holds its changes up to %s',
            NEW.seq, NEW.workstation_id, high);
    END IF;
    now_ms := (extract(epoch FROM statement_timestamp()) * 1000)::bigint;
    IF NEW.hlc_ms > now_ms + settings.max_ahead_ms THEN
        RAISE EXCEPTION USING ERRCODE = 'FR003', MESSAGE = format(
            'change %s of workstation %s is stamped %s minutes ahead of the hub''s clock '
            '(at most %s allowed): set this computer''s clock right',
            NEW.seq, NEW.workstation_id, (NEW.hlc_ms - now_ms) / 60000,
            settings.max_ahead_ms / 60000);
    END IF;
    IF NEW.kind <> 'gone' THEN
        IF octet_length(NEW.payload) > (CASE WHEN NEW.kind = 'call-notes'
                                              THEN settings.max_notes_bytes
                                              ELSE settings.max_payload_bytes END) THEN
            RAISE EXCEPTION USING ERRCODE = 'FR005', MESSAGE = format(
                'change %s of workstation %s is too large (%s bytes)',
                NEW.seq, NEW.workstation_id, octet_length(NEW.payload));
        END IF;
        BEGIN
            head := fourroads_payload_head(NEW.payload);
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION USING ERRCODE = 'FR006', MESSAGE = format(
                'change %s of workstation %s cannot be read: %s',
                NEW.seq, NEW.workstation_id, SQLERRM);
        END;
        IF head.kind IS DISTINCT FROM NEW.kind OR head.customer IS DISTINCT FROM NEW.customer_id
           OR head.subject IS DISTINCT FROM NEW.subject_id THEN
            RAISE EXCEPTION USING ERRCODE = 'FR006', MESSAGE = format(
                'change %s of workstation %s says it is %s about %s, but its payload is %s '
                'about %s', NEW.seq, NEW.workstation_id, NEW.kind, NEW.customer_id,
                coalesce(head.kind, 'unknown'), coalesce(head.customer::text, 'nobody'));
        END IF;
    END IF;
    IF NEW.kind IN ('call-put', 'call-notes') THEN
        SELECT workstation_id INTO origin FROM call_origins WHERE call_id = NEW.subject_id;
        IF NOT FOUND THEN
            INSERT INTO call_origins (call_id, customer_id, workstation_id)
            VALUES (NEW.subject_id, NEW.customer_id, NEW.workstation_id);
        ELSIF origin <> NEW.workstation_id THEN
            RAISE EXCEPTION USING ERRCODE = 'FR007', MESSAGE = format(
                'call %s was taken on workstation %s: only that workstation may change it',
                NEW.subject_id, origin);
        END IF;
    END IF;
    UPDATE workstations SET high_seq = NEW.seq, last_push_at = now()
    WHERE workstation_id = NEW.workstation_id;
    RETURN NEW;
END $$;

CREATE TRIGGER ops_checked BEFORE INSERT ON ops
FOR EACH ROW EXECUTE FUNCTION fourroads_check_op();

-- A workstation joins: registered to the login that connects, the only one that may push
-- as it from then on.
CREATE FUNCTION fourroads_register(workstation uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, @schema@, pg_temp
AS $$
DECLARE
    holder name;
BEGIN
    IF fourroads_my_role() IS NULL AND NOT fourroads_is_owner() THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = format(
            '%s is not a member of this team', session_user);
    END IF;
    SELECT registered_by INTO holder FROM workstations WHERE workstation_id = workstation;
    IF NOT FOUND THEN
        INSERT INTO workstations (workstation_id, registered_by)
        VALUES (workstation, session_user);
    ELSIF holder <> session_user THEN
        -- The owner may take a workstation that never sent anything (bringing in a store
        -- whose person's own join was refused); nobody takes one that has.
        IF fourroads_is_owner()
           AND (SELECT high_seq FROM workstations WHERE workstation_id = workstation) = 0 THEN
            UPDATE workstations SET registered_by = session_user
            WHERE workstation_id = workstation;
            RETURN;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'FR008', MESSAGE = format(
            'workstation %s belongs to %s at the hub; the hub''s owner hands a workstation '
            'to its person with `fourroads team add LOGIN … --workstation %s`',
            workstation, holder, workstation);
    END IF;
END $$;

-- The end of a sync, for `team members`.
CREATE FUNCTION fourroads_synced(workstation uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, @schema@, pg_temp
AS $$
    UPDATE workstations SET last_sync_at = now()
    WHERE workstation_id = workstation AND registered_by = session_user
$$;

-- Erasing a customer: only a lead (or the hub's owner), and the hub keeps who did it.
-- Every operation about them keeps only the customer's id, and the calls' origins go.
CREATE FUNCTION fourroads_erase(customer uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, @schema@, pg_temp
AS $$
BEGIN
    IF fourroads_my_role() IS DISTINCT FROM 'lead' AND NOT fourroads_is_owner() THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = format(
            'only a lead may erase a customer, and %s is not a lead of this team', session_user);
    END IF;
    INSERT INTO erased_customers (customer_id, erased_by)
    VALUES (customer, session_user)
    ON CONFLICT (customer_id) DO NOTHING;
    UPDATE ops SET kind = 'gone', payload = NULL, subject_id = NULL
    WHERE customer_id = customer AND kind NOT IN ('erase', 'gone');
    DELETE FROM call_origins WHERE customer_id = customer;
END $$;

-- Row-level security on every table, forced so that not even the tables' owner passes
-- without a policy. The owner role's policies are for the functions above (which run as
-- it) and for the login that administers the hub.
ALTER TABLE fourroads_schema ENABLE ROW LEVEL SECURITY;
ALTER TABLE fourroads_schema FORCE ROW LEVEL SECURITY;
ALTER TABLE hub ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub FORCE ROW LEVEL SECURITY;
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE members FORCE ROW LEVEL SECURITY;
ALTER TABLE workstations ENABLE ROW LEVEL SECURITY;
ALTER TABLE workstations FORCE ROW LEVEL SECURITY;
ALTER TABLE ops ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops FORCE ROW LEVEL SECURITY;
ALTER TABLE erased_customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE erased_customers FORCE ROW LEVEL SECURITY;
ALTER TABLE call_origins ENABLE ROW LEVEL SECURITY;
ALTER TABLE call_origins FORCE ROW LEVEL SECURITY;

CREATE POLICY owner_all ON fourroads_schema TO @owner@ USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON hub TO @owner@ USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON members TO @owner@ USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON workstations TO @owner@ USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON ops TO @owner@ USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON erased_customers TO @owner@ USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON call_origins TO @owner@ USING (true) WITH CHECK (true);

-- Members read the team's history: an agent needs any customer's calls, notes and reviews
-- for the context of the next call (see README "What a member can read").
CREATE POLICY members_read ON fourroads_schema FOR SELECT TO @agents@, @leads@
    USING ((SELECT fourroads_my_role()) IS NOT NULL);
CREATE POLICY members_read ON hub FOR SELECT TO @agents@, @leads@
    USING ((SELECT fourroads_my_role()) IS NOT NULL);
CREATE POLICY members_read ON members FOR SELECT TO @agents@, @leads@
    USING ((SELECT fourroads_my_role()) IS NOT NULL);
CREATE POLICY members_read ON workstations FOR SELECT TO @agents@, @leads@
    USING ((SELECT fourroads_my_role()) IS NOT NULL);
CREATE POLICY members_read ON ops FOR SELECT TO @agents@, @leads@
    USING ((SELECT fourroads_my_role()) IS NOT NULL);
CREATE POLICY members_read ON erased_customers FOR SELECT TO @agents@, @leads@
    USING ((SELECT fourroads_my_role()) IS NOT NULL);

-- A member adds changes only as themselves (the name and role the hub gives their login),
-- only from a workstation their login registered, only the kinds their role may make, and
-- an erased customer's remains only for a customer the hub erased (or for nobody).
CREATE POLICY members_push ON ops FOR INSERT TO @agents@, @leads@
    WITH CHECK (
        pushed_by = session_user
        AND author = (SELECT fourroads_my_name())
        AND role = (SELECT fourroads_my_role())
        AND EXISTS (SELECT 1 FROM workstations w
                    WHERE w.workstation_id = ops.workstation_id
                      AND w.registered_by = session_user)
        AND (kind NOT IN ('review', 'erase') OR role = 'lead')
        AND (kind <> 'gone'
             OR customer_id = '00000000-0000-0000-0000-000000000000'
             OR EXISTS (SELECT 1 FROM erased_customers e
                        WHERE e.customer_id = ops.customer_id))
    );

-- Nothing for PUBLIC: a login of the same server that is not a member reads nothing.
REVOKE ALL ON SCHEMA @schema@ FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA @schema@ FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA @schema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @schema@ FROM PUBLIC;
GRANT USAGE ON SCHEMA @schema@ TO @agents@, @leads@;
GRANT SELECT ON fourroads_schema, hub, members, workstations, ops, erased_customers
    TO @agents@, @leads@;
GRANT INSERT ON ops TO @agents@, @leads@;
GRANT EXECUTE ON FUNCTION fourroads_my_role(), fourroads_my_name(), fourroads_is_owner(),
    fourroads_register(uuid), fourroads_synced(uuid) TO @agents@, @leads@;
-- Agents may call it to hear, in its own words, that only a lead erases.
GRANT EXECUTE ON FUNCTION fourroads_erase(uuid) TO @agents@, @leads@;

-- Everything belongs to the owner role (no login): nobody's own login owns the hub.
ALTER SCHEMA @schema@ OWNER TO @owner@;
ALTER TABLE fourroads_schema OWNER TO @owner@;
ALTER TABLE hub OWNER TO @owner@;
ALTER TABLE members OWNER TO @owner@;
ALTER TABLE workstations OWNER TO @owner@;
ALTER TABLE ops OWNER TO @owner@;
ALTER TABLE erased_customers OWNER TO @owner@;
ALTER TABLE call_origins OWNER TO @owner@;
ALTER FUNCTION fourroads_my_role() OWNER TO @owner@;
ALTER FUNCTION fourroads_my_name() OWNER TO @owner@;
ALTER FUNCTION fourroads_is_owner() OWNER TO @owner@;
ALTER FUNCTION fourroads_mp_uint(bytea, integer, integer) OWNER TO @owner@;
ALTER FUNCTION fourroads_mp_skip(bytea, integer) OWNER TO @owner@;
ALTER FUNCTION fourroads_mp_map(bytea, integer) OWNER TO @owner@;
ALTER FUNCTION fourroads_mp_text(bytea, integer) OWNER TO @owner@;
ALTER FUNCTION fourroads_mp_uuid(bytea, integer) OWNER TO @owner@;
ALTER FUNCTION fourroads_payload_head(bytea) OWNER TO @owner@;
ALTER FUNCTION fourroads_check_op() OWNER TO @owner@;
ALTER FUNCTION fourroads_register(uuid) OWNER TO @owner@;
ALTER FUNCTION fourroads_synced(uuid) OWNER TO @owner@;
ALTER FUNCTION fourroads_erase(uuid) OWNER TO @owner@;
