{#- Institution-wide activity per FTE (METHODOLOGY.md §3.1 (c), §3.9): one row per (domain, population, SIUS
    code, class, route) and year. The `intensity_id` names the row an additional-category leg applied. -#}
with source as (
    select * from {{ source('raw', 'additional_intensities') }}
),

final as (
    select
        'additional_intensities:' || _load_id || ':' || _row_number as intensity_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        domain as domain_code,
        population as population_code,
        sius_code,
        activity_class as class_code,
        waste_route as route_code,
        value_per_fte,
        value_unit,
        source_ref,
        note
    from source
)

select * from final
