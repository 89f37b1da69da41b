-- Migration 1: the tables written by ingest, as ensure_schema ran them before every load until migrations
-- (ingest/migrate.py). Idempotent, so it also brings a warehouse made before migrations to version 1.
-- raw.*: not here; ingest.migrate.raw_tables_ddl creates them after the migrations, from the contracts (ingest/contracts.py).
create schema if not exists raw;
create schema if not exists ops;
create schema if not exists reference;

-- The secret that turns a person's institutional id into a pseudonymous person_key (dbt macro
-- person_key): one random value per warehouse, made here, never written to a file or a log, in `ops`, which
-- the dashboard's role cannot read. Without it a person_key could be reversed by hashing every id.
create table if not exists ops.person_key_secrets (
    secret_key text primary key default encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'),
    created_at timestamptz not null default now()
);
insert into ops.person_key_secrets (created_at)
select now() where not exists (select from ops.person_key_secrets);

create table if not exists ops.loads (
    load_id bigserial primary key,
    source_code text not null,
    reporting_year integer,
    -- '*' for a back-office file covering every unit, else the one unit an end-user file is for
    unit_scope text not null default '*',
    file_name text not null,
    file_sha256 text not null,
    -- active: its rows are in raw; replaced: a corrected file took its place; refused: the whole file was rejected;
    -- deleted: a steward deleted it (co2calc delete-load)
    load_status text not null check (load_status in ('active', 'replaced', 'refused', 'deleted')),
    rows_read integer not null default 0,
    rows_accepted integer not null default 0,
    rows_rejected integer not null default 0,
    -- rows skipped on purpose (severity INFO, METHODOLOGY.md §1.8): neither loaded nor refused
    rows_skipped integer not null default 0,
    refusal_message text,
    loaded_by text not null,
    dagster_run_id text,
    started_at timestamptz not null,
    finished_at timestamptz,
    replaced_by_load_id bigint references ops.loads (load_id)
);
create index if not exists loads_scope_idx on ops.loads (source_code, reporting_year, unit_scope, load_status);
-- How the file was read: what the steward declared (`delimiter=; decimal=,`, '' when nothing) and what the
-- reader used (format, encoding, delimiter, decimal separator, date format, sheet; ingest/read.py)
alter table ops.loads add column if not exists read_options text not null default '';
alter table ops.loads add column if not exists read_format text;

create table if not exists ops.rejects (
    load_id bigint not null references ops.loads (load_id),
    source_code text not null,
    row_number integer not null,
    column_name text not null,
    reason_code text not null,
    reason_message text not null,
    -- error: the row was refused; info: the row was skipped on purpose (blank template line, out of year)
    severity text not null default 'error' check (severity in ('error', 'info')),
    original_line text not null,
    primary key (load_id, row_number, reason_code, column_name)
);
-- Warehouses created before rows were skipped rather than refused get the two columns here.
alter table ops.loads add column if not exists rows_skipped integer not null default 0;
alter table ops.rejects add column if not exists severity text not null default 'error';

create table if not exists reference.airports (
    iata_code text primary key,
    airport_name text not null,
    city_name text,
    country_code text not null,
    latitude_deg double precision not null,
    longitude_deg double precision not null,
    source_name text not null
);

create table if not exists reference.train_stations (
    station_id text primary key,
    station_name text not null,
    country_code text not null,
    latitude_deg double precision not null,
    longitude_deg double precision not null,
    source_name text not null
);

-- System feeds (ingest/feeds): a feed batch's load names the feed and the cursor range it covers (its
-- file_name is a label); a steward's deletion names who, when and why.
alter table ops.loads add column if not exists feed_name text;
alter table ops.loads add column if not exists cursor_from text;
alter table ops.loads add column if not exists cursor_to text;
alter table ops.loads add column if not exists deleted_by text;
alter table ops.loads add column if not exists deleted_at timestamptz;
alter table ops.loads add column if not exists deletion_reason text;

-- Where each feed resumes: the largest cursor (HTTP) or watermark (SQL) value loaded, advanced in the
-- transaction that loads the page or batch it ends.
create table if not exists ops.feed_cursors (
    feed_name text primary key,
    source_code text not null,
    cursor_value text not null,
    updated_at timestamptz not null,
    updated_by text not null,
    dagster_run_id text
);

-- Corrections (`co2calc ingest FILE --corrects LOAD_ID`, ingest/README.md "Load semantics"): a load of corrected
-- rows adds to the scope of the load it corrects instead of replacing it, and resolves that load's refused rows.
alter table ops.loads add column if not exists corrects_load_id bigint references ops.loads (load_id);
-- The delivered file's header in its order: the quarantine exports refused rows in the file's own layout.
alter table ops.loads add column if not exists source_columns text[];
alter table ops.rejects add column if not exists resolved_by_load_id bigint references ops.loads (load_id);

-- Every load, refusal, replacement and deletion, written by a trigger on ops.loads so no code path can
-- skip it: who (user, schedule or sensor), when, the file hash or feed cursor range, the row counts and
-- the Dagster run.
create table if not exists ops.audit_log (
    audit_id bigserial primary key,
    audit_action text not null check (audit_action in ('loaded', 'refused', 'replaced', 'deleted')),
    load_id bigint not null references ops.loads (load_id),
    source_code text not null,
    reporting_year integer,
    unit_scope text not null,
    acted_by text not null,
    acted_at timestamptz not null,
    file_name text not null,
    file_sha256 text not null,
    feed_name text,
    cursor_from text,
    cursor_to text,
    rows_accepted integer not null,
    rows_rejected integer not null,
    dagster_run_id text,
    audit_reason text
);
create index if not exists audit_log_load_idx on ops.audit_log (load_id);

create or replace function ops.audit_load_change() returns trigger language plpgsql as $$
declare
    replacing ops.loads;
begin
    if old.finished_at is null and new.finished_at is not null then
        insert into ops.audit_log (
            audit_action, load_id, source_code, reporting_year, unit_scope, acted_by, acted_at, file_name,
            file_sha256, feed_name, cursor_from, cursor_to, rows_accepted, rows_rejected, dagster_run_id,
            audit_reason
        ) values (
            case when new.load_status = 'refused' then 'refused' else 'loaded' end,
            new.load_id, new.source_code, new.reporting_year, new.unit_scope, new.loaded_by, new.finished_at,
            new.file_name, new.file_sha256, new.feed_name, new.cursor_from, new.cursor_to, new.rows_accepted,
            new.rows_rejected, new.dagster_run_id,
            coalesce(new.refusal_message, 'corrects load ' || new.corrects_load_id)
        );
    end if;
    if old.load_status = 'active' and new.load_status = 'replaced' then
        select * into replacing from ops.loads where load_id = new.replaced_by_load_id;
        insert into ops.audit_log (
            audit_action, load_id, source_code, reporting_year, unit_scope, acted_by, acted_at, file_name,
            file_sha256, feed_name, cursor_from, cursor_to, rows_accepted, rows_rejected, dagster_run_id,
            audit_reason
        ) values (
            'replaced', new.load_id, new.source_code, new.reporting_year, new.unit_scope, replacing.loaded_by,
            replacing.started_at, new.file_name, new.file_sha256, new.feed_name, new.cursor_from, new.cursor_to,
            new.rows_accepted, new.rows_rejected, replacing.dagster_run_id,
            'replaced by load ' || replacing.load_id || ' (' || replacing.file_name || ')'
        );
    end if;
    if old.load_status <> 'deleted' and new.load_status = 'deleted' then
        insert into ops.audit_log (
            audit_action, load_id, source_code, reporting_year, unit_scope, acted_by, acted_at, file_name,
            file_sha256, feed_name, cursor_from, cursor_to, rows_accepted, rows_rejected, dagster_run_id,
            audit_reason
        ) values (
            'deleted', new.load_id, new.source_code, new.reporting_year, new.unit_scope, new.deleted_by,
            new.deleted_at, new.file_name, new.file_sha256, new.feed_name, new.cursor_from, new.cursor_to,
            new.rows_accepted, new.rows_rejected, null, new.deletion_reason
        );
    end if;
    return new;
end;
$$;

create or replace trigger loads_audit after update on ops.loads
for each row execute function ops.audit_load_change();

-- Retention (ingest/retention.py, METHODOLOGY.md §2.3): travel detail is purged after
-- `Settings.travel_detail_retention_years`, every row of a year after `Settings.results_retention_years`.
-- One ops.retention_runs row per run (dry runs included) and its counts per table, year and action.
create schema if not exists archive;

create table if not exists ops.retention_runs (
    retention_run_id bigserial primary key,
    -- the user, `schedule <name>` or `dagster`
    acted_by text not null,
    acted_at timestamptz not null,
    is_dry_run boolean not null,
    -- the current reporting year the ages were counted from, and the two limits in force
    as_of_year integer not null,
    travel_detail_retention_years integer not null,
    results_retention_years integer not null,
    dagster_run_id text
);

create table if not exists ops.retention_counts (
    retention_run_id bigint not null references ops.retention_runs (retention_run_id),
    table_name text not null,
    reporting_year integer not null,
    -- frozen: aggregate rows written to archive.emissions_frozen; deleted: rows removed (planned on a dry run)
    retention_action text not null check (retention_action in ('frozen', 'deleted')),
    row_count integer not null,
    primary key (retention_run_id, table_name, reporting_year, retention_action)
);

-- The emissions of a year whose travel detail was purged, frozen from marts.fct_emissions just before the
-- purge: one row per group of legs that share every column rpt_* groups or filters by, with the sums. dbt
-- (stg_archive__emissions_frozen) puts them back into fct_emissions, so totals survive the purge.
create table if not exists archive.emissions_frozen (
    frozen_row_id bigserial primary key,
    retention_run_id bigint not null references ops.retention_runs (retention_run_id),
    unit_id text not null,
    reporting_year integer not null,
    module_code text not null,
    submodule_code text not null,
    leg_code text not null,
    ghg_scope integer not null,
    ghg_category_code integer,
    cabin_class text,
    activity_unit text,
    factor_id text,
    factor_set_id text not null,
    factor_set_version text,
    factor_value numeric,
    factor_unit text,
    rf_multiplier numeric,
    class_weight numeric,
    uncertainty_rel numeric,
    is_override boolean not null,
    is_additional_category boolean not null,
    is_internal_reallocation boolean not null,
    facility_unit_id text,
    flags text[],
    activity_quantity numeric,
    -- sum of distance_km x number_of_trips over the group's legs
    passenger_km numeric,
    number_of_trips integer,
    kg_co2e numeric,
    -- sigmas add within a factor (METHODOLOGY.md §1.6), so the group's sum keeps the reports' uncertainty
    sigma_kg numeric,
    activity_row_count integer not null
);

-- The latest successful load of each delivered-file source (feed_name null) and of each feed, for freshness
-- (config/cadences.yaml): when the last one finished and the latest reporting year loaded. Successful: active,
-- or replaced later by a corrected file (it did arrive); refused and deleted loads do not count.
create or replace view ops.latest_successful_loads as
select
    source_code,
    feed_name,
    max(finished_at) as finished_at,
    max(reporting_year) as reporting_year
from ops.loads
where load_status in ('active', 'replaced') and finished_at is not null
group by source_code, feed_name;

-- Every dbt build the pipelines ran (pipelines/build.py): `full` (every model recreated) or `partitions` (the
-- models downstream of the changed sources, for the changed reporting years only), and the last audit_log entry
-- and retention run it took in, so that the next build rebuilds what came after them. A build of another dbt
-- project (its files' SHA-256: models, seeds, factor sets, profile bindings) than the last is full.
create table if not exists ops.builds (
    build_id bigserial primary key,
    build_kind text not null check (build_kind in ('full', 'partitions')),
    source_codes text[] not null,
    reporting_years integer[] not null,
    through_audit_id bigint not null,
    through_retention_run_id bigint not null,
    dbt_project_sha256 text not null,
    dagster_run_id text,
    started_at timestamptz not null,
    finished_at timestamptz,
    build_status text not null check (build_status in ('running', 'succeeded', 'failed'))
);
-- The advisory lock a build holds from before its ops.builds row is written until after it is closed: builds run
-- one at a time, and a `running` row whose lock nobody holds was left by a build that died.
create or replace function ops.build_lock_key() returns bigint language sql immutable as $$
    select 4242013001::bigint
$$;

-- The data stewards' database role (Settings.steward_db_role, dashboard/README.md "Stewards read ops"): the
-- dashboard switches to it to show loads and refused rows. It reads the load ledger and nothing else: not
-- `raw` (rows with person ids), not ops.person_key_secrets (which would make person_key reversible). Created
-- without login when missing; in compose the dashboard's login role is granted it (deploy/postgres/init/).
-- quote_ident rather than format(): `co2calc migrate` runs this file through the driver, which reads a percent
-- sign anywhere in it, comments included, as a parameter marker.
create or replace function ops.grant_steward_role(steward_role text) returns void language plpgsql as $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = steward_role) then
        begin
            execute 'create role ' || quote_ident(steward_role) || ' nologin';
        exception when duplicate_object then
            -- Another database of the same server created it in the meantime: roles are server-wide.
            null;
        end;
    end if;
    execute 'grant usage on schema ops to ' || quote_ident(steward_role);
    execute 'grant select on ops.loads, ops.rejects, ops.audit_log, ops.feed_cursors, ops.latest_successful_loads '
        || 'to ' || quote_ident(steward_role);
end;
$$;
