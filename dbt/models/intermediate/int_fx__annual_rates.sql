{#- Annual mean ECB rates, currency units per EUR (METHODOLOGY.md §3.5 (b) step 1). EUR has no row: models
    convert it with 1. A (currency, year) without a row is FX_MISSING in the model that needed it. -#}
with rates as (
    select * from {{ ref('seed_fx_rates__annual') }}
),

final as (
    select
        reporting_year,
        currency_code,
        units_per_eur,
        n_days,
        is_provisional,
        source_ref
    from rates
)

select * from final
where {{ partition_filter() }}
