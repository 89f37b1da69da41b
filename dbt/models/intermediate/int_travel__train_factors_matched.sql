{#- One row per computed train row (overrides excluded) with the rail factor of the bound set and its kg CO2e
    (METHODOLOGY.md §3.2 (b)). Factor country: CH if both ends are in CH, else the destination country if it
    is not CH, else the origin country; a set without that country falls back to its RoW row, flagged
    RAIL_ROW_FALLBACK. A row that finds no factor is kept with its status, never dropped. -#}
with trains as (
    select * from {{ ref('int_travel__train_distances_computed') }}
    where override_kg_co2e is null
),

rail_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'rail'
),

rail_factors as (
    select * from {{ ref('seed_factors__rail') }}
    where service_code = 'average'
),

countries_chosen as (
    select
        *,
        case
            when origin_country_code = 'CH' and destination_country_code = 'CH' then 'CH'
            when destination_country_code <> 'CH' then destination_country_code
            else origin_country_code
        end as factor_country_code
    from trains
),

matched as (
    select
        countries_chosen.*,
        rail_sets.factor_set_id,
        rail_sets.factor_set_version,
        rail_sets.uncertainty_kind,
        coalesce(country_factors.factor_id, fallback_factors.factor_id) as factor_id,
        coalesce(
            country_factors.value_kg_co2e_per_pkm, fallback_factors.value_kg_co2e_per_pkm
        ) as factor_value,
        case
            when country_factors.factor_id is not null then country_factors.uncertainty_rel
            else fallback_factors.uncertainty_rel
        end as published_uncertainty_rel,
        country_factors.factor_id is null and fallback_factors.factor_id is not null as is_row_fallback
    from countries_chosen
    left join rail_sets
        on countries_chosen.reporting_year = rail_sets.reporting_year
    left join rail_factors as country_factors
        on
            rail_sets.factor_set_id = country_factors.factor_set_id
            and countries_chosen.factor_country_code = country_factors.country_code
    left join rail_factors as fallback_factors
        on
            rail_sets.factor_set_id = fallback_factors.factor_set_id
            and fallback_factors.country_code = 'RoW'
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        origin_code,
        destination_code,
        factor_country_code,
        cabin_class,
        number_of_trips,
        gc_km,
        distance_km,
        distance_km * number_of_trips as activity_quantity,
        factor_set_id,
        factor_set_version,
        factor_id,
        factor_value,
        case when factor_id is not null then 1 end as rf_multiplier,
        case when factor_id is not null then 1 end as class_weight,
        distance_km * number_of_trips * factor_value as kg_co2e,
        case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as uncertainty_rel,
        abs(distance_km * number_of_trips * factor_value)
        * case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as sigma_kg,
        case when is_row_fallback then array['RAIL_ROW_FALLBACK'] else array[]::text[] end as flags,
        case
            when factor_set_id is null or factor_id is null then 'FACTOR_MISSING'
            when distance_km is null then 'DISTANCE_MISSING'
            else 'MATCHED'
        end as status_code
    from matched
)

select * from final
where {{ partition_filter() }}
