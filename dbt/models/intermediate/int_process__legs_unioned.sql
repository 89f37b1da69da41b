{#- Every process-emission leg in the emission-row shape of METHODOLOGY.md §1.3: one `gas_release` leg per
    computed row and one `override` leg per row that brought its own kg_co2eq (§1.4). Process gases and
    refrigerant leaks are scope 1. Unresolved rows are in int_process__rows_unresolved. -#}
with computed as (
    select * from {{ ref('int_process__emissions_computed') }}
    where status_code = 'MATCHED'
),

overrides as (
    select * from {{ ref('stg_csv__processemissions') }}
    where override_kg_co2e is not null
),

computed_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        'gas_release' as leg_code,
        quantity_kg as activity_quantity,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        case when is_kyoto_gas then array[]::text[] else array['NON_KYOTO_GAS'] end as flags,
        jsonb_build_object(
            'gas_code', gas_code, 'gwp_basis', gwp_basis, 'horizon_years', horizon_years
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
        quantity_kg as activity_quantity,
        jsonb_build_object('gas_code', gas_code) as leg_parameters,
        {{ override_leg() }}
    from overrides
),

final as (
    {{ module_legs(["computed_legs", "override_legs"], constants={
        "module_code": "'process_emissions'",
        "ghg_scope": "1",
        "ghg_category_code": "null::integer",
        "activity_unit": "'kg'",
        "factor_unit": "'kg_co2e_per_kg'",
    }) }}
)

select * from final
where {{ partition_filter() }}
