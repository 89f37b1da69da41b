{#- One row per computed cloud-spend row (overrides excluded): amount_EUR = amount / annual mean ECB rate of
    the reporting year (EUR -> 1), kg CO2e = amount_EUR x the bound cloud factor, with no deflation since the
    factor's price year is not published (METHODOLOGY.md §3.7 (b)). A provider's or service's own factor row
    wins over an `any` row. No bound factor -> FACTOR_MISSING; no rate for (currency, year) -> FX_MISSING;
    rows are kept. -#}
with spends as (
    select * from {{ ref('stg_csv__external_clouds') }}
    where override_kg_co2e is null
),

cloud_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'cloud'
),

cloud_factors as (
    select * from {{ ref('seed_factors__cloud') }}
),

fx_rates as (
    select * from {{ ref('int_fx__annual_rates') }}
),

factor_candidates as (
    select
        spends.activity_row_id,
        cloud_factors.factor_id,
        cloud_factors.value_kg_co2e_per_eur,
        cloud_factors.uncertainty_rel,
        row_number() over (
            partition by spends.activity_row_id
            order by cloud_factors.provider = 'any', cloud_factors.service_type = 'any'
        ) as match_rank
    from spends
    inner join cloud_sets
        on spends.reporting_year = cloud_sets.reporting_year
    inner join cloud_factors
        on
            cloud_sets.factor_set_id = cloud_factors.factor_set_id
            and cloud_factors.provider in (spends.provider_name, 'any')
            and cloud_factors.service_type in (spends.submodule_code, 'any')
),

matched as (
    select
        spends.activity_row_id,
        spends.load_id,
        spends.reporting_year,
        spends.unit_id,
        spends.submodule_code,
        spends.service_type,
        spends.provider_name,
        spends.spent_amount,
        spends.currency_code,
        cloud_sets.factor_set_id,
        cloud_sets.factor_set_version,
        cloud_sets.uncertainty_kind,
        factor_candidates.factor_id,
        factor_candidates.value_kg_co2e_per_eur as factor_value,
        factor_candidates.uncertainty_rel as published_uncertainty_rel,
        case when spends.currency_code = 'EUR' then 1 else fx_rates.units_per_eur end as units_per_eur,
        coalesce(fx_rates.is_provisional, false) as is_fx_provisional
    from spends
    left join cloud_sets
        on spends.reporting_year = cloud_sets.reporting_year
    left join factor_candidates
        on
            spends.activity_row_id = factor_candidates.activity_row_id
            and factor_candidates.match_rank = 1
    left join fx_rates
        on
            spends.reporting_year = fx_rates.reporting_year
            and spends.currency_code = fx_rates.currency_code
),

uncertainties as (
    select
        *,
        case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as uncertainty_rel
    from matched
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        service_type,
        provider_name,
        spent_amount,
        currency_code,
        units_per_eur,
        spent_amount / units_per_eur as amount_eur,
        factor_set_id,
        factor_set_version,
        factor_id,
        factor_value,
        spent_amount / units_per_eur * factor_value as kg_co2e,
        uncertainty_rel,
        abs(spent_amount / units_per_eur * factor_value) * uncertainty_rel as sigma_kg,
        case when is_fx_provisional then array['FX_PROVISIONAL'] else array[]::text[] end as flags,
        case
            when factor_id is null then 'FACTOR_MISSING'
            when units_per_eur is null then 'FX_MISSING'
            else 'MATCHED'
        end as status_code
    from uncertainties
)

select * from final
where {{ partition_filter() }}
