{#- Embodied emissions of the works of a year per m2 of room surface (METHODOLOGY.md §3.9): one row per
    (building, activity) and year, as declared by the institution; `default` is the fallback building. The
    `intensity_id` names the row a construction leg applied. -#}
with source as (
    select * from {{ source('raw', 'construction_intensities') }}
),

final as (
    select
        'construction_intensities:' || _load_id || ':' || _row_number as intensity_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        building_name,
        activity as activity_code,
        intensity_kg_co2e_per_m2,
        source_ref,
        note
    from source
)

select * from final
