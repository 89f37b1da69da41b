-- Tables written by ingest. Idempotent: run before every load.
-- raw.*: source rows as delivered, typed, plus load metadata (_load_id, _source_file, _row_number, _loaded_at).
-- _row_number is the line number in the delivered file (the header is line 1).
create schema if not exists raw;
create schema if not exists ops;
create schema if not exists reference;

create table if not exists ops.loads (
    load_id bigserial primary key,
    source_code text not null,
    reporting_year integer,
    -- '*' for a back-office file covering every unit, else the one unit an end-user file is for
    unit_scope text not null default '*',
    file_name text not null,
    file_sha256 text not null,
    -- active: its rows are in raw; replaced: a corrected file took its place; refused: the whole file was rejected
    load_status text not null check (load_status in ('active', 'replaced', 'refused')),
    rows_read integer not null default 0,
    rows_accepted integer not null default 0,
    rows_rejected integer not null default 0,
    refusal_message text,
    loaded_by text not null,
    dagster_run_id text,
    started_at timestamptz not null,
    finished_at timestamptz,
    replaced_by_load_id bigint references ops.loads (load_id)
);
create index if not exists loads_scope_idx on ops.loads (source_code, reporting_year, unit_scope, load_status);

create table if not exists ops.rejects (
    load_id bigint not null references ops.loads (load_id),
    source_code text not null,
    row_number integer not null,
    column_name text not null,
    reason_code text not null,
    reason_message text not null,
    original_line text not null,
    primary key (load_id, row_number, reason_code, column_name)
);

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
