{#- One row per computed road journey (overrides excluded) with the road factor of the set bound to family
    `road` and its kg CO2e = distance_km x number_of_trips x factor per pkm (METHODOLOGY.md §3.2 (b), one row
    per traveller). Vehicle types map to the keys of seed_factors__road: car_petrol -> car.petrol, car_diesel
    -> car.diesel, car_electric -> car.bev, bus -> bus.average, taxi -> taxi.average. mobitool publishes no
    single bus value and no taxi value, so those rows stay FACTOR_MISSING. -#}
with journeys as (
    select * from {{ ref('stg_csv__travel_cars') }}
    where override_kg_co2e is null
),

road_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'road'
),

road_factors as (
    select * from {{ ref('seed_factors__road') }}
    where basis_code = 'pkm'
),

keyed as (
    select
        *,
        case when vehicle_type like 'car\_%' then 'car' else vehicle_type end as mode_code,
        case vehicle_type
            when 'car_petrol' then 'petrol'
            when 'car_diesel' then 'diesel'
            when 'car_electric' then 'bev'
            else 'average'
        end as factor_vehicle_type
    from journeys
),

matched as (
    select
        keyed.*,
        road_sets.factor_set_id,
        road_sets.factor_set_version,
        road_factors.factor_id,
        road_factors.value_kg_co2e_per_unit as factor_value,
        case
            when road_sets.uncertainty_kind = 'rel_ci95' then road_factors.uncertainty_rel / 1.96
            else road_factors.uncertainty_rel
        end as uncertainty_rel
    from keyed
    left join road_sets
        on keyed.reporting_year = road_sets.reporting_year
    left join road_factors
        on
            road_sets.factor_set_id = road_factors.factor_set_id
            and keyed.mode_code = road_factors.mode_code
            and keyed.factor_vehicle_type = road_factors.vehicle_type
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        vehicle_type,
        mode_code,
        factor_vehicle_type,
        number_of_trips,
        distance_km,
        distance_km * number_of_trips as activity_quantity,
        factor_set_id,
        factor_set_version,
        factor_id,
        factor_value,
        distance_km * number_of_trips * factor_value as kg_co2e,
        uncertainty_rel,
        abs(distance_km * number_of_trips * factor_value) * uncertainty_rel as sigma_kg,
        case when factor_id is null then 'FACTOR_MISSING' else 'MATCHED' end as status_code
    from matched
)

select * from final
where {{ partition_filter() }}
