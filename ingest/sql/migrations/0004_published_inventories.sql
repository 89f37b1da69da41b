-- Published inventories (issue 10, items 4 and 5; pipelines/inventory.py, `co2calc publish --year Y --note ...`).
-- Not to be confused with a published *build* (schema `published`, refreshed by every build that passed): an
-- inventory is one reporting year frozen on purpose, for good, so that its report can be printed again byte for
-- byte years later and a later inventory of the same year can be explained against it. Schema `inventory`, apart
-- from `archive` (retention's frozen travel legs, which dbt reads back).
--
-- Append-only: a trigger refuses every update, delete and truncate on every table here (a mistaken inventory is
-- superseded by a new one, never edited). The dashboard's role reads the tables through row-level security: a row
-- of a unit is visible when the unit, in the inventory's own archived unit tree, lies in a subtree named by the
-- session setting `co2calc.allowed_unit_ids`, as for `published` (dbt/macros/reporting_row_security.sql); migration 0005
-- makes it read the signed scope only.
-- No percent sign anywhere in this file: `co2calc migrate` runs it through the driver (see 0001).
create schema if not exists inventory;

-- One row per published inventory: what was frozen, from which build, by whom and when.
create table if not exists inventory.inventories (
    inventory_id bigserial primary key,
    reporting_year integer not null,
    -- the calculation profile (dbt var calc_profile); is_whatif: built by `co2calc whatif`, not the headline
    calc_profile text not null,
    is_whatif boolean not null,
    -- the schema the reporting rows were read from: `published`, or `whatif_<profile>_reporting`
    source_schema text not null,
    -- the headline build (ops.builds) published into `published`; NULL for a what-if, which has no ops.builds row
    build_id bigint,
    dbt_invocation_id text not null,
    -- `git describe --always --dirty` of the code that published, else the installed package version
    code_version text not null,
    note text not null check (note <> ''),
    published_by text not null,
    published_at timestamptz not null
);

-- The unit tree as it stood (published.rpt_units): labels and scopes of the inventory's rows.
create table if not exists inventory.units (
    inventory_id bigint not null references inventory.inventories (inventory_id),
    unit_id text not null,
    unit_code text,
    unit_name text,
    unit_level integer,
    parent_unit_id text,
    ancestor_unit_ids text[] not null,
    school_unit_id text,
    school_name text,
    primary key (inventory_id, unit_id)
);

-- Every row of the source schema's reporting tables for the year (the year-less ones whole, rpt_units apart:
-- inventory.units), as JSON: the reporting models' columns change over the years, an archived row keeps the
-- columns it had. Numbers keep their numeric precision in jsonb.
create table if not exists inventory.reporting_rows (
    inventory_id bigint not null references inventory.inventories (inventory_id),
    table_name text not null,
    -- the row's unit_id and reporting_year, NULL when its table has none
    unit_id text,
    reporting_year integer,
    row_data jsonb not null
);
create index if not exists reporting_rows_table_idx on inventory.reporting_rows (inventory_id, table_name, unit_id);

-- The emission legs of the year (marts.fct_emissions of the build, or of the what-if): what the change
-- decomposition between two inventories reads row by row.
create table if not exists inventory.emission_rows (
    inventory_id bigint not null references inventory.inventories (inventory_id),
    activity_row_id text not null,
    leg_code text not null,
    load_id bigint,
    unit_id text not null,
    module_code text not null,
    submodule_code text not null,
    ghg_scope integer not null,
    is_additional_category boolean not null,
    is_internal_reallocation boolean not null,
    facility_unit_id text,
    activity_quantity numeric,
    activity_unit text,
    factor_id text,
    factor_set_id text not null,
    factor_set_version text,
    factor_value numeric,
    kg_co2e numeric not null,
    is_override boolean not null
);
create index if not exists emission_rows_row_idx on inventory.emission_rows (inventory_id, activity_row_id, leg_code);

-- The activity rows of the year that produced no emission (marts.fct_unresolved_rows): the coverage side.
create table if not exists inventory.unresolved_rows (
    inventory_id bigint not null references inventory.inventories (inventory_id),
    activity_row_id text not null,
    load_id bigint,
    unit_id text,
    module_code text not null,
    status_code text not null
);
create index if not exists unresolved_rows_row_idx on inventory.unresolved_rows (inventory_id, activity_row_id);

-- The loads the rows came from (ops.loads as it stood): each load of an archived row, and the active loads of
-- the year-less sources (unit tree, room reference) every year depends on.
create table if not exists inventory.loads (
    inventory_id bigint not null references inventory.inventories (inventory_id),
    load_id bigint not null,
    source_code text not null,
    reporting_year integer,
    unit_scope text not null,
    file_name text not null,
    file_sha256 text not null,
    load_status text not null,
    rows_accepted integer not null,
    loaded_by text not null,
    finished_at timestamptz,
    primary key (inventory_id, load_id)
);

-- The factor-set versions the emission rows were computed with, and how many rows each.
create table if not exists inventory.factor_sets (
    inventory_id bigint not null references inventory.inventories (inventory_id),
    factor_set_id text not null,
    factor_set_version text not null,
    emission_row_count bigint not null,
    primary key (inventory_id, factor_set_id, factor_set_version)
);

create or replace function inventory.refuse_change() returns trigger language plpgsql as $$
begin
    raise exception using
        errcode = 'restrict_violation',
        message = 'inventory.' || tg_table_name || ' is append-only: a published inventory is never '
            || 'changed or deleted (publish a new one with co2calc publish)';
end;
$$;

do $tables$
declare
    archived text;
begin
    foreach archived in array array[
        'inventories', 'units', 'reporting_rows', 'emission_rows', 'unresolved_rows', 'loads', 'factor_sets'
    ] loop
        execute 'drop trigger if exists append_only on inventory.' || archived;
        execute 'create trigger append_only before update or delete on inventory.' || archived
            || ' for each row execute function inventory.refuse_change()';
        execute 'drop trigger if exists append_only_truncate on inventory.' || archived;
        execute 'create trigger append_only_truncate before truncate on inventory.' || archived
            || ' for each statement execute function inventory.refuse_change()';
    end loop;
end
$tables$;

-- Row-level security for the dashboard's role (granted by inventory.grant_dashboard_role, which publishing calls):
-- the (inventory, unit) pairs whose unit lies in a subtree of the viewer's scope, in that inventory's own tree.
-- Security definer, so the policies below can read inventory.units whole to decide.
create or replace function inventory.scoped_units() returns table (inventory_id bigint, unit_id text)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $body$
begin
    return query
        select units.inventory_id, units.unit_id
        from inventory.units as units
        where units.ancestor_unit_ids
            && coalesce(nullif(current_setting('co2calc.allowed_unit_ids', true), '')::text[], '{}');
end
$body$;

do $policies$
declare
    archived text;
begin
    foreach archived in array array['units', 'reporting_rows', 'emission_rows', 'unresolved_rows'] loop
        execute 'alter table inventory.' || archived || ' enable row level security';
        execute 'drop policy if exists dashboard_unit_scope on inventory.' || archived;
        execute 'create policy dashboard_unit_scope on inventory.' || archived || ' for select using ('
            || 'unit_id is null or (inventory_id, unit_id) in (select scoped.inventory_id, scoped.unit_id '
            || 'from inventory.scoped_units() as scoped))';
    end loop;
end
$policies$;

create or replace function inventory.grant_dashboard_role(dashboard_role text) returns void language plpgsql as $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = dashboard_role) then
        begin
            execute 'create role ' || quote_ident(dashboard_role) || ' nologin';
        exception when duplicate_object then
            null;
        end;
    end if;
    execute 'grant usage on schema inventory to ' || quote_ident(dashboard_role);
    execute 'grant select on inventory.inventories, inventory.units, inventory.reporting_rows, '
        || 'inventory.emission_rows, inventory.unresolved_rows, inventory.factor_sets to '
        || quote_ident(dashboard_role);
    execute 'grant execute on function inventory.scoped_units() to ' || quote_ident(dashboard_role);
end;
$$;
