{#- Row-level security of `reporting` for the dashboard's database role (dashboard/README.md, "Scope is
    enforced by PostgreSQL").

    Every reporting model calls `reporting_row_security()` as a post-hook (dbt_project.yml). dbt runs
    post-hooks inside the transaction that renames the freshly built table into place (or, for an incremental
    table, that inserts its rebuilt partitions), so a rebuilt table is never visible without its grant and
    policy, and every build re-applies them. Re-running the hook changes nothing.

    The dashboard sets, in each transaction, `set_config('role', <role>, true)` and a signed scope: the subtree
    roots the viewer may read in `co2calc.allowed_unit_ids`, with an expiry and the HMAC of both and the backend's
    pid under a secret no dashboard role can read (dashboard/data/scope.py). `allowed_unit_ids()` takes the roots
    only from `scope.verified_unit_ids()` (ingest/sql/migrations/0005_signed_dashboard_scope.sql), which returns
    nothing for a scope that is unsigned, signed for other units or another backend, or expired.
    - Tables with a `unit_id` column: a row passes when its unit lies in an allowed subtree
      (`scoped_unit_ids()`). No valid scope, no row.
    - `rpt_units`: the allowed subtrees plus the ancestors of the allowed units (`listed_unit_ids()`), so the
      unit picker can name the path from the institution down; ids and names only, no numbers.
    - Tables without `unit_id` (factor sets, build id): readable whole, they hold no unit data.
    - `root_unit_ids()` hands the institution's root ids to a viewer whose role sees everything, which is the
      scope the dashboard then signs for that viewer (ids only: without a signature they open nothing).

    The policies call functions instead of reading `rpt_units` themselves: PostgreSQL records a policy's
    dependency on every table it names, and dbt drops the previous `rpt_units` with `cascade`, which would drop
    the other tables' policies with it. The functions are security definer (owned by dbt's user, who owns the
    tables and so is not subject to their policies) to read `rpt_units` without recursing into its own policy.

    Anyone who can run SQL as the role can set the settings, but only the holder of the signing secret (the
    dashboard process and `co2calc migrate`) can make them count: the wall stops a dashboard query that forgets
    its scope and a person holding the role's password alike. -#}

{% macro dashboard_db_role() -%}
    {#- `Settings.dashboard_db_role`, handed over by pipelines.warehouse.dbt_connection_env. -#}
    {%- set role = env_var('CO2CALC_DBT_DASHBOARD_DB_ROLE', 'co2calc_dashboard') -%}
    {%- if not modules.re.fullmatch('[a-z_][a-z0-9_]*', role) -%}
        {{ exceptions.raise_compiler_error(
            "CO2CALC_DASHBOARD_DB_ROLE must be a lower-case SQL identifier, got '" ~ role ~ "'"
        ) }}
    {%- endif -%}
    {{- role -}}
{%- endmacro %}


{% macro reporting_row_security() -%}
    {#- dbt also renders hooks while parsing, before the model's config and relation are known. -#}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- if config.get('materialized') not in ('table', 'incremental') -%}
        {{ exceptions.raise_compiler_error(
            this ~ " is a " ~ config.get('materialized') ~ ": row-level security applies to tables only, and a"
            ~ " view would read its tables with its owner's rights, past every policy"
        ) }}
    {%- endif -%}
    {%- set role = dashboard_db_role() -%}
    {%- set column_names = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {#- Parallel dbt threads replace the same functions and grants: one at a time, until each model commits. -#}
    select pg_advisory_xact_lock(hashtext('co2calc.reporting_row_security'));

    {#- A missing role is created without login: the production login role of the same name comes from
        deploy/postgres/init/10-dashboard-role.sql and is left as it is. -#}
    do $role$
    begin
        if not exists (select from pg_catalog.pg_roles where rolname = '{{ role }}') then
            create role {{ role }} nologin;
        end if;
    exception when duplicate_object then
        -- Another database of the same server created it in the meantime: roles are server-wide.
        null;
    end
    $role$;

    grant usage on schema {{ this.schema }} to {{ role }};

    create or replace function {{ this.schema }}.allowed_unit_ids() returns text[]
    language sql stable
    set search_path = pg_catalog, pg_temp
    as $body$
        select coalesce(scope.verified_unit_ids(), '{}')
    $body$;

    {#- The scope is verified once per call, into `allowed`, never per unit row; the policies below call these
        functions once per query and table (`in (select ...)`). #}
    create or replace function {{ this.schema }}.scoped_unit_ids() returns setof text
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $body$
    declare
        allowed text[] := {{ this.schema }}.allowed_unit_ids();
    begin
        return query
            select units.unit_id
            from {{ this.schema }}.rpt_units as units
            where units.ancestor_unit_ids && allowed;
    end
    $body$;

    create or replace function {{ this.schema }}.listed_unit_ids() returns setof text
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $body$
    declare
        allowed text[] := {{ this.schema }}.allowed_unit_ids();
    begin
        return query
            select units.unit_id
            from {{ this.schema }}.rpt_units as units
            where units.ancestor_unit_ids && allowed
            union
            select unnest(units.ancestor_unit_ids)
            from {{ this.schema }}.rpt_units as units
            where units.unit_id = any(allowed);
    end
    $body$;

    create or replace function {{ this.schema }}.root_unit_ids() returns setof text
    language plpgsql stable security definer
    set search_path = pg_catalog, pg_temp
    as $body$
    begin
        return query
            select units.unit_id
            from {{ this.schema }}.rpt_units as units
            where units.parent_unit_id is null;
    end
    $body$;

    grant select on {{ this }} to {{ role }};

    {%- if 'unit_id' in column_names %}
        {#- `in (select f())` runs the function once per query and probes a hash of its ids for each row. -#}
        {%- set visible_units = 'listed_unit_ids' if this.identifier == 'rpt_units' else 'scoped_unit_ids' %}
        alter table {{ this }} enable row level security;
        drop policy if exists dashboard_unit_scope on {{ this }};
        create policy dashboard_unit_scope on {{ this }}
        for select to {{ role }}
        using (unit_id in (select {{ this.schema }}.{{ visible_units }}()));
    {%- endif %}

    {#- Statistics now rather than whenever autovacuum comes by: without them the planner takes the fresh
        tables for one row each and nests loops; the institution's route list took 3.1 s (6.9 s under the
        policy) on the demo-scale warehouse before, tens of milliseconds after. #}
    analyze {{ this }};
{%- endmacro %}
