{#- The facility reference of each year (METHODOLOGY.md §3.6 (c)), 1:1 with raw.facility_footprints. -#}
with source as (
    select * from {{ source('raw', 'facility_footprints') }}
),

final as (
    select
        'facility_footprints:' || _load_id || ':' || _row_number as reference_row_id,
        _load_id as load_id,
        reporting_year,
        facility_id,
        facility_unit_institutional_id as facility_unit_id,
        facility_kind,
        allocation_unit,
        total_use,
        animal_type,
        source_module,
        share as source_share,
        footprint_kg as declared_footprint_kg,
        footprint_origin,
        note
    from source
)

select * from final
