-- The dashboard's unit scope is signed (issue 11, item 5; dashboard/README.md "Scope is enforced in SQL, and by
-- PostgreSQL").
-- Each dashboard transaction sets three settings: co2calc.allowed_unit_ids (a text-array literal of the subtree
-- roots), co2calc.scope_expires_at (Unix seconds) and co2calc.scope_signature, the hex HMAC-SHA256 of
-- '<backend pid>:<expires at>:<allowed unit ids>' under the secret below. Any role can set the settings; only
-- `scope.verified_unit_ids()` turns them into units, and it returns NULL unless the signature matches this
-- backend, the clock is before the expiry, and the secret signed it. The row-level-security functions of every
-- reporting schema read their scope through it (dbt/macros/reporting_row_security.sql, pipelines/publish.py).
create schema if not exists scope;

-- HMAC-SHA256 (RFC 2104) over PostgreSQL's own sha256(): no extension, since the embedded PostgreSQL that the demo
-- and the tests start ships without contrib's pgcrypto. The key is padded (or first hashed, past the 64-byte
-- block) and XOR-ed with 0x36 (inner pad) and 0x5c (outer pad) byte by byte.
create or replace function scope.hmac_sha256(message bytea, signing_key bytea) returns bytea
language plpgsql immutable strict
set search_path = pg_catalog, pg_temp
as $$
declare
    key_block bytea := case when octet_length(signing_key) > 64 then sha256(signing_key) else signing_key end;
    inner_pad bytea;
    outer_pad bytea;
begin
    key_block := key_block || decode(repeat('00', 64 - octet_length(key_block)), 'hex');
    inner_pad := key_block;
    outer_pad := key_block;
    for position in 0..63 loop
        inner_pad := set_byte(inner_pad, position, get_byte(key_block, position) # 54);
        outer_pad := set_byte(outer_pad, position, get_byte(key_block, position) # 92);
    end loop;
    return sha256(outer_pad || sha256(inner_pad || message));
end
$$;

-- One secret. Made random here, so a fresh warehouse never trusts a known key; `co2calc migrate` replaces it with
-- CO2CALC_SCOPE_SIGNING_SECRET when that is set (ingest/migrate.py), which is how the dashboard, holding the same
-- setting, signs scopes the warehouse accepts. No role but the owner reads it: no grant is ever given on it.
create table if not exists scope.signing_secret (
    is_current boolean primary key default true check (is_current),
    secret bytea not null check (octet_length(secret) >= 32),
    updated_at timestamptz not null default now()
);
revoke all on scope.signing_secret from public;
-- 48 bytes from three version-4 UUIDs: 366 bits from the server's strong random source (pg_strong_random).
insert into scope.signing_secret (secret)
select decode(
    replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'
)
where not exists (select from scope.signing_secret);

-- Security definer, owned by the migrating owner: it reads the secret for whoever calls it and returns only a
-- yes-or-no answer's worth of it (the units the caller already set, or NULL). Stable: a policy calls it once per
-- query, through `(select ...)`, not once per row.
create or replace function scope.verified_unit_ids() returns text[]
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    allowed_unit_ids text := current_setting('co2calc.allowed_unit_ids', true);
    expires_at text := current_setting('co2calc.scope_expires_at', true);
    signature text := current_setting('co2calc.scope_signature', true);
    expected text;
begin
    if allowed_unit_ids is null or signature is null or expires_at is null or expires_at !~ '^[0-9]{1,12}$' then
        return null;
    end if;
    if expires_at::bigint < extract(epoch from now()) then
        return null;
    end if;
    select encode(
        scope.hmac_sha256(
            convert_to(pg_backend_pid()::text || ':' || expires_at || ':' || allowed_unit_ids, 'UTF8'),
            signing_secret.secret
        ),
        'hex'
    )
    into expected
    from scope.signing_secret;
    if expected is null or expected <> lower(signature) then
        return null;
    end if;
    return allowed_unit_ids::text[];
end
$$;

-- Every role may call the check (the dashboard's checks at start that its signatures are accepted); the table
-- stays closed.
grant usage on schema scope to public;
grant execute on function scope.verified_unit_ids() to public;

-- A warehouse built before this migration keeps its reporting schemas' `allowed_unit_ids()` reading the unsigned
-- setting until its next build and publication re-create them: re-pointed here, with the body the dbt macro and
-- pipelines/publish.py give it, so no schema accepts an unsigned scope once the migration has run.
do $$
declare
    reporting_schema text;
begin
    for reporting_schema in
        select namespaces.nspname
        from pg_catalog.pg_proc as functions
        inner join pg_catalog.pg_namespace as namespaces on functions.pronamespace = namespaces.oid
        where functions.proname = 'allowed_unit_ids' and functions.pronargs = 0 and namespaces.nspname <> 'scope'
    loop
        execute 'create or replace function ' || quote_ident(reporting_schema) || '.allowed_unit_ids() '
            || 'returns text[] language sql stable set search_path = pg_catalog, pg_temp '
            || 'as $body$ select coalesce(scope.verified_unit_ids(), ''{}'') $body$';
    end loop;
end
$$;

-- Published inventories (migration 0004) decide their rows by the same scope: the signed one.
create or replace function inventory.scoped_units() returns table (inventory_id bigint, unit_id text)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $body$
begin
    return query
        select units.inventory_id, units.unit_id
        from inventory.units as units
        where units.ancestor_unit_ids && coalesce(scope.verified_unit_ids(), '{}');
end
$body$;
