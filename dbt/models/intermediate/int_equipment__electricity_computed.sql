{#- One row per computed equipment item (overrides excluded) with its yearly electricity and kg CO2e
    (METHODOLOGY.md §3.4 (b)): kWh = (P_active x h_active + P_standby x h_standby) x weeks_per_year / 1000, then
    x the bound electricity factor; scope 2. Powers come from seed_equipment_power, keyed as ingest resolved the
    row. Blank hours take the class default when the table has one (none is shipped), else the row is kept as
    EQUIP_HOURS_MISSING; a class without power is EQUIP_NO_POWER; a year without a bound set FACTOR_MISSING.
    Rows are never dropped. More than 100 MWh a year for one item is flagged EQUIP_IMPLAUSIBLE. -#}
with items as (
    select * from {{ ref('int_equipment__items_unioned') }}
    where override_kg_co2e is null
),

powers as (
    select * from {{ ref('seed_equipment_power') }}
),

electricity_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'electricity'
),

electricity_factors as (
    -- The institution's sites are on the Swiss grid (v1); the location-based consumption mix of §1.1.
    select * from {{ ref('seed_factors__electricity') }}
    where region_code = 'CH' and mix_code = 'consumption_mix'
),

profile_parameters as (
    select parameter_value as weeks_per_year
    from {{ ref('seed_calc_profile_parameters') }}
    where profile_code = '{{ var("calc_profile") }}' and parameter_code = 'weeks_per_year'
),

matched as (
    select
        items.activity_row_id,
        items.load_id,
        items.reporting_year,
        items.unit_id,
        items.submodule_code,
        items.equipment_id,
        items.equipment_class,
        items.sub_class,
        powers.active_power_w,
        powers.standby_power_w,
        powers.power_source_column,
        coalesce(items.active_usage_hours_per_week, powers.default_active_h_week) as active_hours_per_week,
        coalesce(items.standby_usage_hours_per_week, powers.default_standby_h_week) as standby_hours_per_week,
        case
            when
                items.active_usage_hours_per_week is not null
                and items.standby_usage_hours_per_week is not null
                then 'file'
            else 'class_default'
        end as hours_source,
        profile_parameters.weeks_per_year,
        electricity_sets.factor_set_id,
        electricity_sets.factor_set_version,
        electricity_sets.uncertainty_kind,
        electricity_factors.factor_id,
        electricity_factors.value_kg_co2e_per_kwh as factor_value,
        electricity_factors.uncertainty_rel as published_uncertainty_rel
    from items
    left join powers
        on
            items.equipment_class = powers.equipment_class
            and items.sub_class is not distinct from powers.sub_class
    left join profile_parameters on true
    left join electricity_sets
        on items.reporting_year = electricity_sets.reporting_year
    left join electricity_factors
        on electricity_sets.factor_set_id = electricity_factors.factor_set_id
),

computed as (
    select
        *,
        (active_power_w * active_hours_per_week + standby_power_w * standby_hours_per_week)
        * weeks_per_year / 1000 as electricity_kwh,
        case
            when uncertainty_kind = 'rel_ci95' then published_uncertainty_rel / 1.96
            else published_uncertainty_rel
        end as uncertainty_rel,
        case
            when active_power_w is null or standby_power_w is null then 'EQUIP_NO_POWER'
            when active_hours_per_week is null or standby_hours_per_week is null then 'EQUIP_HOURS_MISSING'
            when factor_id is null then 'FACTOR_MISSING'
            else 'MATCHED'
        end as status_code
    from matched
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        equipment_id,
        equipment_class,
        sub_class,
        active_power_w,
        standby_power_w,
        power_source_column,
        active_hours_per_week,
        standby_hours_per_week,
        hours_source,
        weeks_per_year,
        electricity_kwh,
        factor_set_id,
        factor_set_version,
        factor_id,
        factor_value,
        case when status_code = 'MATCHED' then electricity_kwh * factor_value end as kg_co2e,
        uncertainty_rel,
        case
            when status_code = 'MATCHED' then abs(electricity_kwh * factor_value) * uncertainty_rel
        end as sigma_kg,
        case when electricity_kwh > 100000 then array['EQUIP_IMPLAUSIBLE'] else array[]::text[] end as flags,
        status_code
    from computed
)

select * from final
where {{ partition_filter() }}
