{#- One row per computed use row x leg (overrides excluded), METHODOLOGY.md §3.6 (b):
    - common and IT facilities, one `allocation` leg: kg = use / total_use(f, y) x F(f, y);
    - animal facilities, one leg per footprint source s: kg = use / total_use(f, type, y) x share(s, type) x F_s(f, y);
    - an IT facility whose reference says `per_hour_factor`, one `per_hour` leg: kg = core or GPU hours x the
      bound GENCI factor (GES1P5), no footprint needed.
    factor_value is the kg per unit of use applied (F x share / total_use for an allocation). A use row is
    resolved as a whole: if any of its legs lacks something, every leg of it is kept with the row's status
    RF_UNKNOWN_FACILITY (no longer in the reference), RF_SELF_ALLOCATION (the facility unit's own use: its
    footprint is already in its inventory), RF_NO_TOTAL (total use 0), RF_FOOTPRINT_MISSING or FACTOR_MISSING.
    RF_OVERALLOCATED flags every leg of a facility (and animal type) whose units use more than its total. -#}
with uses as (
    select * from {{ ref('stg_csv__researchfacilities_common') }}
    union all
    select * from {{ ref('stg_csv__researchfacilities_animals') }}
),

footprints as (
    select * from {{ ref('int_facilities__footprints_computed') }}
),

per_hour_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'research_facilities'
),

per_hour_factors as (
    select * from {{ ref('seed_factors__research_facilities') }}
),

facility_use_totals as (
    select
        facility_id,
        reporting_year,
        animal_type,
        sum(use_quantity) as declared_use
    from uses
    group by facility_id, reporting_year, animal_type
),

matched as (
    select
        uses.activity_row_id,
        uses.load_id,
        uses.reporting_year,
        uses.unit_id,
        uses.facility_id,
        uses.use_quantity,
        uses.use_unit,
        footprints.load_id as reference_load_id,
        footprints.facility_unit_id,
        footprints.facility_kind,
        coalesce(uses.animal_type, footprints.animal_type) as animal_type,
        footprints.source_module,
        footprints.source_share,
        footprints.total_use,
        footprints.footprint_kg,
        footprints.footprint_origin,
        facility_use_totals.declared_use,
        per_hour_sets.factor_set_id as per_hour_factor_set_id,
        per_hour_sets.factor_set_version as per_hour_factor_set_version,
        per_hour_sets.uncertainty_kind as per_hour_uncertainty_kind,
        per_hour_factors.factor_id as per_hour_factor_id,
        per_hour_factors.value_kg_co2e_per_unit as per_hour_factor_value,
        per_hour_factors.uncertainty_rel as per_hour_uncertainty_rel
    from uses
    left join footprints
        on
            uses.facility_id = footprints.facility_id
            and uses.reporting_year = footprints.reporting_year
            and uses.animal_type is not distinct from footprints.animal_type
    left join facility_use_totals
        on
            uses.facility_id = facility_use_totals.facility_id
            and uses.reporting_year = facility_use_totals.reporting_year
            and uses.animal_type is not distinct from facility_use_totals.animal_type
    left join per_hour_sets
        on
            uses.reporting_year = per_hour_sets.reporting_year
            and footprints.footprint_origin = 'per_hour_factor'
    left join per_hour_factors
        on
            per_hour_sets.factor_set_id = per_hour_factors.factor_set_id
            and uses.use_unit = per_hour_factors.allocation_unit
    where uses.override_kg_co2e is null
),

legs as (
    select
        *,
        case
            when facility_kind is null then 'RF_UNKNOWN_FACILITY'
            when facility_unit_id = unit_id then 'RF_SELF_ALLOCATION'
            when footprint_origin = 'per_hour_factor' and per_hour_factor_id is null then 'FACTOR_MISSING'
            when footprint_origin = 'per_hour_factor' then 'MATCHED'
            when total_use = 0 then 'RF_NO_TOTAL'
            when footprint_kg is null then 'RF_FOOTPRINT_MISSING'
            else 'MATCHED'
        end as leg_status_code,
        case
            when footprint_origin = 'per_hour_factor' then 'per_hour'
            when facility_kind = 'animal' then source_module
            else 'allocation'
        end as leg_code,
        case
            when animal_type is not null then 'animal_' || animal_type
            when facility_kind = 'it' then 'it_facilities'
            else 'facilities'
        end as submodule_code,
        case
            when footprint_origin = 'per_hour_factor' then per_hour_factor_value
            when total_use > 0 then footprint_kg * coalesce(source_share, 1) / total_use
        end as factor_value
    from matched
),

row_statuses as (
    -- Every leg of a row shares the facility-level checks; only a footprint source can be missing alone.
    select
        activity_row_id,
        coalesce(min(leg_status_code) filter (where leg_status_code <> 'MATCHED'), 'MATCHED') as status_code
    from legs
    group by activity_row_id
),

computed as (
    select
        legs.activity_row_id,
        legs.load_id,
        legs.reporting_year,
        legs.unit_id,
        legs.submodule_code,
        legs.leg_code,
        legs.facility_id,
        legs.facility_unit_id,
        legs.facility_kind,
        legs.animal_type,
        legs.source_module,
        legs.source_share,
        legs.use_quantity,
        legs.use_unit,
        legs.total_use,
        legs.footprint_kg,
        legs.footprint_origin,
        case
            when legs.footprint_origin = 'per_hour_factor' then legs.per_hour_factor_id
            else concat_ws(':', 'facility_footprints', legs.facility_id, legs.animal_type, legs.source_module)
        end as factor_id,
        case
            when legs.footprint_origin = 'per_hour_factor' then legs.per_hour_factor_set_id
            else 'facility_footprints'
        end as factor_set_id,
        case
            when legs.footprint_origin = 'per_hour_factor' then legs.per_hour_factor_set_version
            else legs.reference_load_id::text
        end as factor_set_version,
        legs.factor_value,
        'kg_co2e_per_' || legs.use_unit as factor_unit,
        case
            when row_statuses.status_code = 'MATCHED' then legs.use_quantity * legs.factor_value
        end as kg_co2e,
        case
            when legs.footprint_origin <> 'per_hour_factor' then null
            when legs.per_hour_uncertainty_kind = 'rel_ci95' then legs.per_hour_uncertainty_rel / 1.96
            else legs.per_hour_uncertainty_rel
        end as uncertainty_rel,
        legs.facility_unit_id is not null as is_internal_reallocation,
        case
            when legs.total_use > 0 and legs.declared_use > legs.total_use then array['RF_OVERALLOCATED']
            else array[]::text[]
        end as flags,
        row_statuses.status_code
    from legs
    inner join row_statuses
        on legs.activity_row_id = row_statuses.activity_row_id
),

final as (
    select
        *,
        abs(kg_co2e) * uncertainty_rel as sigma_kg
    from computed
)

select * from final
where {{ partition_filter() }}
