-- Published builds (issue 10, "a build is published whole"; pipelines/publish.py). What each build ran and how it
-- ended: the dbt invocation and calculation profile (dbt var calc_profile) it built, why it failed, and when its
-- reporting rows were copied into the `published` schema the dashboard reads (NULL: never published). The
-- operations page shows stewards the latest builds from here, so their role reads ops.builds too.
alter table ops.builds add column if not exists dbt_invocation_id text;
alter table ops.builds add column if not exists calc_profile text;
alter table ops.builds add column if not exists failure_message text;
alter table ops.builds add column if not exists published_at timestamptz;

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
    execute 'grant select on ops.loads, ops.rejects, ops.audit_log, ops.feed_cursors, ops.latest_successful_loads, '
        || 'ops.builds to ' || quote_ident(steward_role);
end;
$$;
