{#- The provider is the leaf of the AI chart (METHODOLOGY.md §3.7 (b)): submodule_code is its spelling in
    snake case (`Claude (Anthropic)` -> `claude_anthropic`). -#}
with source as (
    select * from {{ source('raw', 'external_ai') }}
),

final as (
    select
        'external_ai:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        trim(both '_' from regexp_replace(lower(provider), '[^a-z0-9]+', '_', 'g')) as submodule_code,
        provider as provider_name,
        usage_type,
        requests_per_user_per_day as request_band_code,
        fte_count,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
