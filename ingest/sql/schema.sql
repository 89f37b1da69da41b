-- Tables written by ingest. Idempotent: run before every load.
-- raw.*: source rows as delivered, typed, plus load metadata (_load_id, _source_file, _row_number, _loaded_at).
-- _row_number is the line number in the delivered file (the header is line 1).
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

create table if not exists raw.units (
    unit_institutional_id text not null,
    unit_code text not null,
    unit_name text not null,
    unit_level integer not null,
    parent_unit_institutional_id text,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.headcount (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    sius_code integer not null,
    user_institutional_id text not null,
    fte numeric not null,
    note text,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.travel_planes (
    reporting_year integer not null,
    unit_institutional_id text not null,
    origin_iata text not null,
    destination_iata text not null,
    user_institutional_id text,
    departure_date date,
    number_of_trips integer not null,
    cabin_class text not null,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.travel_trains (
    reporting_year integer not null,
    unit_institutional_id text not null,
    origin_name text not null,
    origin_country_code text not null,
    -- resolved by the station rule of validation (unknown or ambiguous names are rejected there)
    origin_station_id text not null,
    destination_name text not null,
    destination_country_code text not null,
    destination_station_id text not null,
    user_institutional_id text,
    departure_date date,
    number_of_trips integer not null,
    cabin_class text not null,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.processemissions (
    reporting_year integer not null,
    unit_institutional_id text not null,
    -- CO2, CH4, N2O or Refrigerant, spelled as in the EPFL template
    category text not null,
    -- the gas of a Refrigerant row, spelled as in dbt/seeds/seed_factors__gwp.csv; NULL for CO2, CH4, N2O
    subcategory text,
    -- kg of gas released in the year; NULL only on a row that brings its own kg_co2eq
    quantity numeric,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.equipment_scientific (
    reporting_year integer not null,
    unit_institutional_id text not null,
    equipment_id text not null,
    name text not null,
    -- (class, sub_class) as keyed in dbt/seeds/seed_equipment_power.csv (validation resolves aliases and case)
    equipment_class text not null,
    sub_class text,
    -- blank hours are kept: the row is EQUIP_HOURS_MISSING in dbt, not refused
    active_usage_hours_per_week numeric,
    standby_usage_hours_per_week numeric,
    note text,
    kg_co2eq numeric,
    equipment_category text not null,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.equipment_it (
    reporting_year integer not null,
    unit_institutional_id text not null,
    equipment_id text not null,
    name text not null,
    -- (class, sub_class) as keyed in dbt/seeds/seed_equipment_power.csv (validation resolves aliases and case)
    equipment_class text not null,
    sub_class text,
    -- blank hours are kept: the row is EQUIP_HOURS_MISSING in dbt, not refused
    active_usage_hours_per_week numeric,
    standby_usage_hours_per_week numeric,
    note text,
    kg_co2eq numeric,
    equipment_category text not null,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.equipment_other (
    reporting_year integer not null,
    unit_institutional_id text not null,
    equipment_id text not null,
    name text not null,
    -- (class, sub_class) as keyed in dbt/seeds/seed_equipment_power.csv (validation resolves aliases and case)
    equipment_class text not null,
    sub_class text,
    -- blank hours are kept: the row is EQUIP_HOURS_MISSING in dbt, not refused
    active_usage_hours_per_week numeric,
    standby_usage_hours_per_week numeric,
    note text,
    kg_co2eq numeric,
    equipment_category text not null,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);


-- The institution's room reference: the current rooms, replaced wholesale by each load (no reporting year).
create table if not exists raw.building_rooms_reference (
    building_location text,
    building_name text not null,
    room_name text not null,
    room_type text not null,
    -- NULL or <= 0 is kept (BLDG_NO_SURFACE in dbt); a load that raises their share is refused (REF_DEGRADED)
    room_surface_square_meter numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.building_rooms (
    reporting_year integer not null,
    unit_institutional_id text not null,
    building_location text,
    -- (building_name, room_name) spelled as in raw.building_rooms_reference (validation resolves case and spacing)
    building_name text not null,
    room_name text not null,
    -- as declared by the unit; the reference's room type wins in dbt (BLDG_TYPE_MISMATCH)
    room_type text not null,
    note text,
    -- share of the room the unit occupies, 0 < r <= 1 (1 when the file has no such column)
    room_allocation_ratio numeric not null,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.building_energycombustions (
    reporting_year integer not null,
    unit_institutional_id text not null,
    -- fuel code of the EPFL template (natural_gas, heating_oil, biomethane, propane, pellets, forest_chips, wood_logs)
    name text not null,
    -- kWh (net calorific basis) or kg: always the unit of the fuel's factor (BLDG_UNIT_MISMATCH otherwise)
    unit text not null,
    -- NULL only on a row that brings its own kg_co2eq
    quantity numeric,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

-- Institution data, one file per reporting year: kWh per m2 and year by (building or `default`, room type, end use).
create table if not exists raw.building_room_intensities (
    reporting_year integer not null,
    building_name text not null,
    room_type text not null,
    end_use text not null,
    intensity_kwh_per_m2 numeric not null,
    carrier_code text not null,
    conversion_factor numeric not null,
    note text,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.external_clouds (
    reporting_year integer not null,
    unit_institutional_id text not null,
    -- storage, compute or virtualisation (reported under compute)
    service_type text not null,
    provider text not null,
    -- amount paid in `currency`; NULL only on a row that brings its own kg_co2eq
    spent_amount numeric,
    -- CHF, EUR or USD; a blank cell was loaded as EUR
    currency text not null,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.external_ai (
    reporting_year integer not null,
    unit_institutional_id text not null,
    provider text not null,
    -- text, code or image
    usage_type text not null,
    -- band code 1_5, 5_20, 20_100 or gt_100; NULL only on a row that brings its own kg_co2eq
    requests_per_user_per_day text,
    -- people using the service; NULL = the unit's member FTE (defaulted in dbt)
    fte_count numeric,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

-- The facility reference of a year (METHODOLOGY.md §3.6 (c)): one row per facility, or per (animal type,
-- footprint source) of an animal facility. Institution data, loaded before the use files it checks.
create table if not exists raw.facility_footprints (
    reporting_year integer not null,
    facility_id text not null,
    -- the unit that runs the facility; NULL for a facility outside the institution
    facility_unit_institutional_id text,
    -- common, it or animal
    facility_kind text not null,
    allocation_unit text not null,
    -- NULL only on a per_hour_factor row
    total_use numeric,
    -- mice or fish on an animal row, else NULL
    animal_type text,
    -- process, combustion, rooms, purchases, centralised_purchases or equipment on an animal row, else NULL
    source_module text,
    share numeric,
    -- declared kg CO2e; NULL when computed from the facility unit's legs or per_hour_factor
    footprint_kg numeric,
    footprint_origin text not null,
    note text,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.researchfacilities_common (
    reporting_year integer not null,
    unit_institutional_id text not null,
    researchfacility_id text not null,
    researchfacility_name text,
    use numeric not null,
    -- the facility's allocation unit, in the reference's spelling (validation checked it)
    use_unit text not null,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.researchfacilities_animals (
    reporting_year integer not null,
    unit_institutional_id text not null,
    researchfacility_id text not null,
    researchfacility_name text,
    -- mice or fish (`rodent` stored as mice)
    researchfacility_type text not null,
    use numeric not null,
    use_unit text not null,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

-- Purchases (METHODOLOGY.md §3.5): one table per monetary template, same columns; the common template's rows
-- take the sub-module of the factor they match. currency is NULL when the cell was blank (read as CHF in dbt,
-- flagged PURCH_DEFAULT_CURRENCY); purchase_additional_code is the NACRES code, upper case.
create table if not exists raw.purchases_scientificequipment (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    supplier text,
    quantity numeric,
    total_spent_amount numeric not null,
    currency text,
    purchase_institutional_code text not null,
    purchase_additional_code text,
    purchase_institutional_description text,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.purchases_itequipment (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    supplier text,
    quantity numeric,
    total_spent_amount numeric not null,
    currency text,
    purchase_institutional_code text not null,
    purchase_additional_code text,
    purchase_institutional_description text,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.purchases_consumables (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    supplier text,
    quantity numeric,
    total_spent_amount numeric not null,
    currency text,
    purchase_institutional_code text not null,
    purchase_additional_code text,
    purchase_institutional_description text,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.purchases_biological_chemical_gaseous (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    supplier text,
    quantity numeric,
    total_spent_amount numeric not null,
    currency text,
    purchase_institutional_code text not null,
    purchase_additional_code text,
    purchase_institutional_description text,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.purchases_services (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    supplier text,
    quantity numeric,
    total_spent_amount numeric not null,
    currency text,
    purchase_institutional_code text not null,
    purchase_additional_code text,
    purchase_institutional_description text,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.purchases_other (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    supplier text,
    quantity numeric,
    total_spent_amount numeric not null,
    currency text,
    purchase_institutional_code text not null,
    purchase_additional_code text,
    purchase_institutional_description text,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.purchases_vehicles (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    supplier text,
    quantity numeric,
    total_spent_amount numeric not null,
    currency text,
    purchase_institutional_code text not null,
    purchase_additional_code text,
    purchase_institutional_description text,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

create table if not exists raw.purchases_common (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    supplier text,
    quantity numeric,
    total_spent_amount numeric not null,
    currency text,
    purchase_institutional_code text not null,
    purchase_additional_code text,
    purchase_institutional_description text,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

-- Centralised purchases by mass (liquid nitrogen...): annual_consumption in `unit`, coef_to_kg kg per unit.
create table if not exists raw.purchases_additional (
    reporting_year integer not null,
    unit_institutional_id text not null,
    name text not null,
    unit text not null,
    annual_consumption numeric not null,
    coef_to_kg numeric not null,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

-- Institution-wide activity per FTE for the additional categories (METHODOLOGY.md §3.9): one file per year,
-- no unit column. Institution data, never shipped as defaults.
create table if not exists raw.additional_intensities (
    reporting_year integer not null,
    -- commuting, food or waste
    domain text not null,
    -- staff (headcount members), students (the student aggregate) or all
    population text not null,
    -- NULL = every SIUS code
    sius_code integer,
    -- commuting mode, diet or waste type, lower case with `_`
    activity_class text not null,
    -- end-of-life route of a waste row; NULL otherwise
    waste_route text,
    value_per_fte numeric not null,
    -- pkm, kg or meal per FTE and year
    value_unit text not null,
    source_ref text,
    note text,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

-- Professional travel by road (METHODOLOGY.md §3.2): one-way distance per trip, vehicle type, traveller.
create table if not exists raw.travel_cars (
    reporting_year integer not null,
    unit_institutional_id text not null,
    user_institutional_id text,
    departure_date date,
    distance_km numeric not null,
    -- car_petrol, car_diesel, car_electric, bus or taxi
    vehicle_type text not null,
    number_of_trips integer not null,
    note text,
    kg_co2eq numeric,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
);

-- Construction and renovation (METHODOLOGY.md §3.9): embodied kg CO2e per m2 of room surface declared by the
-- institution per (building, activity) for the works of the year; `default` is the fallback building.
create table if not exists raw.construction_intensities (
    reporting_year integer not null,
    -- building of the room reference, or `default`
    building_name text not null,
    -- new_env, new_tech, ren_env, ren_tech or demolition (`new-tec`, `new-tech` stored new_tech)
    activity text not null,
    intensity_kg_co2e_per_m2 numeric not null,
    source_ref text,
    note text,
    _load_id bigint not null,
    _source_file text not null,
    _row_number integer not null,
    _loaded_at timestamptz not null
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
            new.rows_rejected, new.dagster_run_id, new.refusal_message
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

-- The data stewards' database role (Settings.steward_db_role, dashboard/README.md "Stewards read ops"): the
-- dashboard switches to it to show loads and refused rows. It reads the load ledger and nothing else: not
-- `raw` (rows with person ids), not ops.person_key_secrets (which would make person_key reversible). Created
-- without login when missing; in compose the dashboard's login role is granted it (deploy/postgres/init/).
-- quote_ident rather than format(): ensure_schema runs this file through the driver, which reads a percent
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
