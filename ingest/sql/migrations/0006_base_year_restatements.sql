-- Base-year restatements (issue 10, item 6; pipelines/restatement.py, `co2calc restate-base-year --note ...`).
-- The base year (config/institution.yaml `base_year`) is measured by its latest published headline inventory. When a
-- structural change, a methodology change (factor sets) or a data correction moves the live total of that year
-- beyond the significance threshold, a steward or admin restates it: a new inventory of the base year is published
-- and one row here records why, who, when, the two inventories, both totals and the decomposition of the change
-- (INVENTORY_CHANGE's activity, factor and coverage effects, and the units added, removed or moved in the tree).
--
-- Append-only like the inventories (0004): a trigger refuses every update, delete and truncate, even by the owner.
-- The dashboard's role reads who, when, why and which inventories, not the institution's totals and effects: a
-- unit manager's page reads its own subtree's numbers from the two inventories, under their row-level security.
-- No percent sign anywhere in this file: `co2calc migrate` runs it through the driver (see 0001).
create table if not exists inventory.base_year_restatements (
    restatement_id bigserial primary key,
    base_year integer not null,
    -- the base year's reference before (its latest headline inventory) and the inventory the restatement published
    previous_inventory_id bigint not null references inventory.inventories (inventory_id),
    restated_inventory_id bigint not null unique references inventory.inventories (inventory_id),
    -- the institution's headline totals, t CO2e, and the change between them in INVENTORY_CHANGE's effects
    previous_t_co2e numeric not null,
    restated_t_co2e numeric not null,
    activity_effect_t_co2e numeric not null,
    factor_effect_t_co2e numeric not null,
    coverage_effect_t_co2e numeric not null,
    -- the unit tree of the restated inventory against the previous one's
    units_added integer not null,
    units_removed integer not null,
    units_moved integer not null,
    -- config/institution.yaml's threshold when the restatement was made, in percent of previous_t_co2e
    threshold_pct numeric not null,
    reason text not null check (reason <> ''),
    restated_by text not null,
    restated_at timestamptz not null
);

create or replace function inventory.refuse_restatement_change() returns trigger language plpgsql as $$
begin
    raise exception using
        errcode = 'restrict_violation',
        message = 'inventory.base_year_restatements is append-only: a restatement is never changed or deleted '
            || '(restate the base year again with co2calc restate-base-year)';
end;
$$;

drop trigger if exists append_only on inventory.base_year_restatements;
create trigger append_only before update or delete on inventory.base_year_restatements
for each row execute function inventory.refuse_restatement_change();
drop trigger if exists append_only_truncate on inventory.base_year_restatements;
create trigger append_only_truncate before truncate on inventory.base_year_restatements
for each statement execute function inventory.refuse_restatement_change();

-- 0004's grant, and the restatements' record without its numbers.
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
    execute 'grant select (restatement_id, base_year, previous_inventory_id, restated_inventory_id, reason, '
        || 'restated_by, restated_at) on inventory.base_year_restatements to ' || quote_ident(dashboard_role);
    execute 'grant execute on function inventory.scoped_units() to ' || quote_ident(dashboard_role);
end;
$$;
