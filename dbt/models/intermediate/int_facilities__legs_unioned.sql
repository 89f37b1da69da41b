{#- Every research-facility leg in the emission-row shape of METHODOLOGY.md §1.3: the computed allocation,
    animal-source and per-hour legs, and one `override` leg per use row that brought its own kg_co2eq (§1.4).
    All are scope 3 category 1; is_internal_reallocation is true when the facility is a unit of the institution
    (the reporting layer excludes such legs from a subtree that contains the facility unit, §2.4). Unresolved
    rows are in int_facilities__rows_unresolved. -#}
with computed as (
    select * from {{ ref('int_facilities__allocations_computed') }}
    where status_code = 'MATCHED'
),

uses as (
    select * from {{ ref('stg_csv__researchfacilities_common') }}
    union all
    select * from {{ ref('stg_csv__researchfacilities_animals') }}
),

facilities as (
    -- Kind and unit of each facility of the year (the same on every reference row of a facility).
    select distinct on (facility_id, reporting_year)
        facility_id,
        reporting_year,
        facility_kind,
        facility_unit_id
    from {{ ref('int_facilities__footprints_computed') }}
    order by facility_id, reporting_year, reference_row_id
),

overrides as (
    select
        uses.*,
        facilities.facility_kind,
        facilities.facility_unit_id
    from uses
    left join facilities
        on
            uses.facility_id = facilities.facility_id
            and uses.reporting_year = facilities.reporting_year
    where uses.override_kg_co2e is not null
),

computed_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        leg_code,
        use_quantity as activity_quantity,
        use_unit as activity_unit,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        factor_unit,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        is_internal_reallocation,
        facility_unit_id,
        flags,
        jsonb_build_object(
            'facility_id', facility_id,
            'facility_kind', facility_kind,
            'animal_type', animal_type,
            'source_module', source_module,
            'source_share', source_share,
            'total_use', total_use,
            'footprint_kg', footprint_kg,
            'footprint_origin', footprint_origin
        ) as leg_parameters
    from computed
),

override_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        case
            when animal_type is not null then 'animal_' || animal_type
            when facility_kind = 'it' then 'it_facilities'
            else 'facilities'
        end as submodule_code,
        use_quantity as activity_quantity,
        use_unit as activity_unit,
        null::text as factor_unit,
        facility_unit_id is not null as is_internal_reallocation,
        facility_unit_id,
        jsonb_build_object('facility_id', facility_id, 'animal_type', animal_type) as leg_parameters,
        {{ override_leg() }}
    from overrides
),

final as (
    {{ module_legs(
        ["computed_legs", "override_legs"],
        constants={"module_code": "'research_facilities'", "ghg_scope": "3", "ghg_category_code": "1"},
        extra=["is_internal_reallocation", "facility_unit_id"],
    ) }}
)

select * from final
where {{ partition_filter() }}
