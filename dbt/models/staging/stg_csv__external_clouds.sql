{#- Virtualisation is reported under compute (METHODOLOGY.md §3.7 (a)); service_type keeps the file's
    word. -#}
with source as (
    select * from {{ source('raw', 'external_clouds') }}
),

final as (
    select
        'external_clouds:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        case when service_type = 'storage' then 'storage' else 'compute' end as submodule_code,
        service_type,
        provider as provider_name,
        spent_amount,
        currency as currency_code,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
