{#- Every equipment emission leg in the emission-row shape of METHODOLOGY.md §1.3: one `electricity` leg per
    computed item and one `override` leg per item that brought its own kg_co2eq (used verbatim, §1.4).
    Equipment electricity is scope 2 (location-based). Unresolved items are in int_equipment__rows_unresolved. -#}
with computed as (
    select * from {{ ref('int_equipment__electricity_computed') }}
    where status_code = 'MATCHED'
),

overrides as (
    select * from {{ ref('int_equipment__items_unioned') }}
    where override_kg_co2e is not null
),

computed_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        'electricity' as leg_code,
        electricity_kwh as activity_quantity,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        flags,
        jsonb_build_object(
            'equipment_class', equipment_class,
            'sub_class', sub_class,
            'active_power_w', active_power_w,
            'standby_power_w', standby_power_w,
            'power_source_column', power_source_column,
            'active_hours_per_week', active_hours_per_week,
            'standby_hours_per_week', standby_hours_per_week,
            'hours_source', hours_source,
            'weeks_per_year', weeks_per_year
        ) as leg_parameters
    from computed
),

override_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        null::numeric as activity_quantity,
        jsonb_build_object('equipment_class', equipment_class, 'sub_class', sub_class) as leg_parameters,
        {{ override_leg() }}
    from overrides
),

final as (
    {{ module_legs(["computed_legs", "override_legs"], constants={
        "module_code": "'equipment'",
        "ghg_scope": "2",
        "ghg_category_code": "null::integer",
        "activity_unit": "'kWh'",
        "factor_unit": "'kg_co2e_per_kwh'",
    }) }}
)

select * from final
where {{ partition_filter() }}
