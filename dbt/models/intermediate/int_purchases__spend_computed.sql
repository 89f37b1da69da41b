{#- One row per monetary invoice line with its conversion and kg CO2e (METHODOLOGY.md §3.5 (b)):
    1. FX: amount_eur = amount / FX(currency, year), FX the annual mean of the ECB daily rates (EUR -> 1);
       a year not closed yet is flagged FX_PROVISIONAL.
    2. Deflation to the factor's price base year b: amount_base_eur = amount_eur x HICP(b) / HICP(y), when the
       profile deflates (purchase_deflation = 1) and the factor has a price base year; otherwise NO_DEFLATION.
    3. Factor: NACRES code, else the UNSPSC code's row (published or crosswalk average), else the UNSPSC class
       (first 6 digits + 00), else the family (first 4 digits + 0000); every level but NACRES is flagged
       PURCH_MATCH_LEVEL=<level>. A code of the exclusion list counts 0 kg, PURCH_EXCLUDED_OVERLAP.
    4. kg = amount_base_eur x factor. Scope 3; category 2 for scientific and IT equipment and vehicles, 4 for
       NACRES freight codes (FC*), 1 otherwise.
    A line that brought its own kg_co2eq is kept as OVERRIDE (its value used verbatim, §1.4): it is matched too, so
    that a common-template line is routed to its sub-module and category like the others.
    Rows are never dropped: FACTOR_MISSING, FX_MISSING or DEFLATOR_MISSING rows stay here with their status. -#}
with lines as (
    select * from {{ ref('int_purchases__spend_unioned') }}
),

purchase_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'purchases_monetary'
),

factors as (
    select * from {{ ref('int_purchases__factors_by_code') }}
),

excluded_codes as (
    select * from {{ ref('seed_purchases__excluded_codes') }}
),

fx_rates as (
    select * from {{ ref('int_fx__annual_rates') }}
),

price_indices as (
    select * from {{ ref('seed_price_indices') }}
    where index_code = 'HICP_EA'
),

profile_parameters as (
    select parameter_value = 1 as deflation_enabled
    from {{ ref('seed_calc_profile_parameters') }}
    where profile_code = '{{ var("calc_profile") }}' and parameter_code = 'purchase_deflation'
),

lines_with_set as (
    select
        lines.*,
        purchase_sets.factor_set_id,
        purchase_sets.factor_set_version,
        purchase_sets.uncertainty_kind,
        left(lines.unspsc_code, 6) || '00' as unspsc_class_code,
        left(lines.unspsc_code, 4) || '0000' as unspsc_family_code
    from lines
    left join purchase_sets
        on lines.reporting_year = purchase_sets.reporting_year
),

matched as (
    select
        lines_with_set.*,
        coalesce(by_nacres.factor_id, by_unspsc.factor_id, by_class.factor_id, by_family.factor_id)
            as factor_id,
        case
            when by_nacres.factor_id is not null then by_nacres.match_level
            when by_unspsc.factor_id is not null then by_unspsc.match_level
            when by_class.factor_id is not null then 'unspsc_class'
            when by_family.factor_id is not null then 'unspsc_family'
        end as match_level,
        coalesce(by_nacres.code, by_unspsc.code, by_class.code, by_family.code) as matched_code,
        coalesce(
            by_nacres.value_kg_co2e_per_eur,
            by_unspsc.value_kg_co2e_per_eur,
            by_class.value_kg_co2e_per_eur,
            by_family.value_kg_co2e_per_eur
        ) as factor_value,
        coalesce(
            by_nacres.uncertainty_rel,
            by_unspsc.uncertainty_rel,
            by_class.uncertainty_rel,
            by_family.uncertainty_rel
        ) as published_uncertainty_rel,
        case
            when by_nacres.factor_id is not null then by_nacres.price_base_year
            when by_unspsc.factor_id is not null then by_unspsc.price_base_year
            when by_class.factor_id is not null then by_class.price_base_year
            else by_family.price_base_year
        end as price_base_year,
        coalesce(
            by_nacres.purchase_category,
            by_unspsc.purchase_category,
            by_class.purchase_category,
            by_family.purchase_category
        ) as factor_purchase_category
    from lines_with_set
    left join factors as by_nacres
        on
            lines_with_set.factor_set_id = by_nacres.factor_set_id
            and by_nacres.code_system = 'NACRES'
            and lines_with_set.nacres_code = by_nacres.code
    left join factors as by_unspsc
        on
            lines_with_set.factor_set_id = by_unspsc.factor_set_id
            and by_unspsc.code_system = 'UNSPSC'
            and lines_with_set.unspsc_code = by_unspsc.code
    left join factors as by_class
        on
            lines_with_set.factor_set_id = by_class.factor_set_id
            and by_class.code_system = 'UNSPSC'
            and lines_with_set.unspsc_class_code = by_class.code
            and lines_with_set.unspsc_class_code <> lines_with_set.unspsc_code
    left join factors as by_family
        on
            lines_with_set.factor_set_id = by_family.factor_set_id
            and by_family.code_system = 'UNSPSC'
            and lines_with_set.unspsc_family_code = by_family.code
            and lines_with_set.unspsc_family_code <> lines_with_set.unspsc_class_code
),

converted as (
    select
        matched.*,
        excluded.code_system as excluded_code_system,
        excluded.code as excluded_code,
        excluded.overlapping_module,
        case when matched.currency_code = 'EUR' then 1 else fx_rates.units_per_eur end as fx_units_per_eur,
        case when matched.currency_code = 'EUR' then false else fx_rates.is_provisional end
            as fx_is_provisional,
        case
            when matched.currency_code <> 'EUR' and fx_rates.units_per_eur is not null
                then 'ecb_annual_mean:' || matched.reporting_year || ':' || matched.currency_code
        end as fx_rate_id,
        coalesce(profile_parameters.deflation_enabled, false) and matched.price_base_year is not null
            as is_deflated,
        base_index.index_value as base_year_index_value,
        year_index.index_value as reporting_year_index_value
    from matched
    left join lateral (
        select
            candidates.code_system,
            candidates.code,
            candidates.overlapping_module
        from excluded_codes as candidates
        where
            (candidates.code_system = 'NACRES' and candidates.code = matched.nacres_code)
            or (candidates.code_system = 'UNSPSC' and candidates.code = matched.unspsc_code)
        order by candidates.code_system
        limit 1
    ) as excluded on true
    left join fx_rates
        on
            matched.reporting_year = fx_rates.reporting_year
            and matched.currency_code = fx_rates.currency_code
    left join profile_parameters on true
    left join price_indices as base_index
        on matched.price_base_year = base_index.reporting_year
    left join price_indices as year_index
        on matched.reporting_year = year_index.reporting_year
),

computed as (
    select
        *,
        total_spent_amount / fx_units_per_eur as amount_eur,
        total_spent_amount
        / fx_units_per_eur
        * case when is_deflated then base_year_index_value / reporting_year_index_value else 1 end
            as amount_base_eur,
        case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as uncertainty_rel,
        case
            when override_kg_co2e is not null then 'OVERRIDE'
            when excluded_code is not null then 'EXCLUDED_OVERLAP'
            when factor_id is null then 'FACTOR_MISSING'
            when fx_units_per_eur is null then 'FX_MISSING'
            when is_deflated and (base_year_index_value is null or reporting_year_index_value is null)
                then 'DEFLATOR_MISSING'
            else 'MATCHED'
        end as status_code
    from converted
),

final as (
    select
        activity_row_id,
        load_id,
        source_code,
        reporting_year,
        unit_id,
        coalesce(template_submodule_code, factor_purchase_category, 'common') as submodule_code,
        case
            when nacres_code like 'FC%' then 4
            when
                coalesce(template_submodule_code, factor_purchase_category)
                in ('scientific_equipment', 'it_equipment', 'vehicles') then 2
            else 1
        end as ghg_category_code,
        purchase_name,
        supplier_name,
        institutional_code,
        unspsc_code,
        nacres_code,
        total_spent_amount,
        currency_code,
        currency_source,
        fx_rate_id,
        fx_units_per_eur,
        fx_is_provisional,
        amount_eur,
        is_deflated,
        price_base_year,
        base_year_index_value,
        reporting_year_index_value,
        case when status_code in ('MATCHED', 'EXCLUDED_OVERLAP') then amount_base_eur end as amount_base_eur,
        case when is_deflated then price_base_year else reporting_year end as amount_price_year,
        factor_set_id,
        factor_set_version,
        factor_id,
        match_level,
        matched_code,
        factor_value,
        excluded_code_system,
        excluded_code,
        overlapping_module,
        case
            when status_code = 'MATCHED' then amount_base_eur * factor_value
            when status_code = 'EXCLUDED_OVERLAP' then 0
            when status_code = 'OVERRIDE' then override_kg_co2e
        end as kg_co2e,
        uncertainty_rel,
        case when status_code = 'MATCHED' then abs(amount_base_eur * factor_value) * uncertainty_rel end
            as sigma_kg,
        array_remove(
            array[
                case when status_code = 'EXCLUDED_OVERLAP' then 'PURCH_EXCLUDED_OVERLAP' end,
                case
                    when
                        currency_source = 'default' and status_code <> 'OVERRIDE'
                        then 'PURCH_DEFAULT_CURRENCY'
                end,
                case when is_duplicate then 'ROW_DUPLICATE' end,
                case
                    when match_level <> 'nacres' and status_code <> 'OVERRIDE'
                        then 'PURCH_MATCH_LEVEL=' || match_level
                end,
                case
                    when
                        factor_id is not null and not is_deflated and status_code <> 'OVERRIDE'
                        then 'NO_DEFLATION'
                end,
                case when fx_is_provisional and status_code <> 'OVERRIDE' then 'FX_PROVISIONAL' end
            ],
            null
        ) as flags,
        status_code
    from computed
)

select * from final
where {{ partition_filter() }}
