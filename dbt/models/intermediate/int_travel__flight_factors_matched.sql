{#- One row per computed flight row (overrides excluded) with the factor of the bound set and its kg CO2e
    (METHODOLOGY.md §3.2 (b), §4.4). A row that finds no factor is kept with its status, never dropped.
    - Band: chosen on the distance of ONE trip, half-open [min, max).
    - Cabin class: the class's own row, else the next lower class (first -> business -> economy, premium
      economy -> economy) with CLASS_FALLBACK, else the set's class-average row with class weight 1 and
      CLASS_NOT_DIFFERENTIATED.
    - RF: a binding's rf_target multiplies by rf_target / rf_included, and is refused when the row does not
      state its rf_included. -#}
with flights as (
    -- The partition filter here as well as at the end: the CTE is read three times, so PostgreSQL keeps it
    -- whole, and the candidate ranking below would rank every year's flights (scale 1: 1.0 s for 2025's).
    select * from {{ ref('int_travel__flight_distances_computed') }}
    where override_kg_co2e is null and {{ partition_filter() }}
),

flight_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'flights'
),

flight_factors as (
    select * from {{ ref('seed_factors__flights') }}
    where route_scope = 'any'
),

class_preferences as (
    select
        travelled_class,
        factor_class,
        preference_rank
    from (
        values
        ('economy', 'economy', 0),
        ('economy', 'all', 9),
        ('premium_economy', 'premium_economy', 0),
        ('premium_economy', 'economy', 1),
        ('premium_economy', 'all', 9),
        ('business', 'business', 0),
        ('business', 'economy', 1),
        ('business', 'all', 9),
        ('first', 'first', 0),
        ('first', 'business', 1),
        ('first', 'economy', 2),
        ('first', 'all', 9)
    ) as preferences (travelled_class, factor_class, preference_rank)
),

candidates as (
    select
        flights.activity_row_id,
        flight_factors.factor_id,
        flight_factors.class_basis,
        flight_factors.rf_included,
        flight_factors.value_kg_co2e_per_pkm,
        flight_factors.uncertainty_rel,
        class_preferences.preference_rank,
        row_number() over (
            partition by flights.activity_row_id
            order by class_preferences.preference_rank
        ) as candidate_rank
    from flights
    inner join flight_sets
        on flights.reporting_year = flight_sets.reporting_year
    inner join flight_factors
        on
            flight_sets.factor_set_id = flight_factors.factor_set_id
            and flights.distance_km >= flight_factors.band_min_km
            and (flights.distance_km < flight_factors.band_max_km or flight_factors.band_max_km is null)
    inner join class_preferences
        on
            flights.cabin_class = class_preferences.travelled_class
            and flight_factors.cabin_class = class_preferences.factor_class
),

matched as (
    select
        flights.*,
        flight_sets.factor_set_id,
        flight_sets.factor_set_version,
        flight_sets.rf_target,
        flight_sets.uncertainty_kind,
        candidates.factor_id,
        candidates.class_basis,
        candidates.rf_included,
        candidates.value_kg_co2e_per_pkm as factor_value,
        candidates.uncertainty_rel as published_uncertainty_rel,
        candidates.preference_rank,
        case
            when flight_sets.factor_set_id is null then 'FACTOR_MISSING'
            when flights.distance_km is null then 'DISTANCE_MISSING'
            when candidates.factor_id is null then 'FACTOR_MISSING'
            when flight_sets.rf_target is not null and candidates.rf_included is null then 'RF_POLICY_REFUSED'
            else 'MATCHED'
        end as status_code
    from flights
    left join flight_sets
        on flights.reporting_year = flight_sets.reporting_year
    left join candidates
        on
            flights.activity_row_id = candidates.activity_row_id
            and candidates.candidate_rank = 1
),

weighted as (
    select
        *,
        case when status_code = 'MATCHED' then coalesce(rf_target / rf_included, 1) end as rf_multiplier,
        case when status_code = 'MATCHED' then 1 end as class_weight,
        case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as uncertainty_rel,
        array_remove(
            array[
                case when preference_rank between 1 and 8 then 'CLASS_FALLBACK' end,
                case when class_basis = 'class_average' then 'CLASS_NOT_DIFFERENTIATED' end
            ],
            null
        ) as flags
    from matched
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        origin_code,
        destination_code,
        cabin_class,
        number_of_trips,
        gc_km,
        distance_km,
        distance_km * number_of_trips as activity_quantity,
        factor_set_id,
        factor_set_version,
        factor_id,
        factor_value,
        rf_multiplier,
        class_weight,
        distance_km * number_of_trips * factor_value * rf_multiplier * class_weight as kg_co2e,
        uncertainty_rel,
        abs(distance_km * number_of_trips * factor_value * rf_multiplier * class_weight)
        * uncertainty_rel as sigma_kg,
        flags,
        status_code
    from weighted
)

select * from final
where {{ partition_filter() }}
