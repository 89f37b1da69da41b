{#- The frozen emission groups as emission legs, for fct_emissions: each group is one leg carrying its sums
    and its activity-row count (frozen_activity_row_count), so totals, sigmas (summed within a factor), trips,
    passenger-km and row counts of a purged year are those of the build that froze them. distance_km is the
    group's mean distance per trip, so distance_km x number_of_trips gives back its passenger-km. No load
    and no route: the detail is gone. -#}
with frozen as (
    select * from {{ ref('stg_archive__emissions_frozen') }}
),

final as (
    select
        activity_row_id,
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        leg_code,
        ghg_scope,
        ghg_category_code,
        cabin_class,
        activity_quantity,
        activity_unit,
        passenger_km / nullif(number_of_trips, 0) as distance_km,
        number_of_trips,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        factor_unit,
        rf_multiplier,
        class_weight,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        is_override,
        is_additional_category,
        is_internal_reallocation,
        facility_unit_id,
        flags,
        activity_row_count as frozen_activity_row_count
    from frozen
)

select * from final
where {{ partition_filter() }}
