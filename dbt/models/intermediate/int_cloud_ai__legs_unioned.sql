{#- Every external-cloud and generative-AI leg in the emission-row shape of METHODOLOGY.md §1.3. Two modules
    (§3.7): `external_cloud` (submodule compute or storage, leg `cloud_spend`, activity in EUR) and
    `generative_ai` (submodule = provider, leg `ai_requests`, activity in requests), plus one `override` leg per
    row that brought its own kg_co2eq (§1.4). Both are scope 3, category 1. Unresolved rows are in
    int_cloud_ai__rows_unresolved. -#}
with cloud_computed as (
    select * from {{ ref('int_cloud_ai__cloud_spend_computed') }}
    where status_code = 'MATCHED'
),

cloud_overrides as (
    select * from {{ ref('stg_csv__external_clouds') }}
    where override_kg_co2e is not null
),

ai_computed as (
    select * from {{ ref('int_cloud_ai__ai_requests_computed') }}
    where status_code = 'MATCHED'
),

ai_overrides as (
    select * from {{ ref('stg_csv__external_ai') }}
    where override_kg_co2e is not null
),

cloud_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'external_cloud' as module_code,
        submodule_code,
        'cloud_spend' as leg_code,
        amount_eur as activity_quantity,
        'EUR' as activity_unit,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        'kg_co2e_per_eur' as factor_unit,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        flags,
        jsonb_build_object(
            'provider_name', provider_name,
            'service_type', service_type,
            'spent_amount', spent_amount,
            'currency_code', currency_code,
            'fx_units_per_eur', units_per_eur,
            'fx_method', 'annual_mean_ecb'
        ) as leg_parameters
    from cloud_computed
),

cloud_override_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'external_cloud' as module_code,
        submodule_code,
        null::numeric as activity_quantity,
        'EUR' as activity_unit,
        'kg_co2e_per_eur' as factor_unit,
        jsonb_build_object(
            'provider_name', provider_name,
            'service_type', service_type,
            'spent_amount', spent_amount,
            'currency_code', currency_code
        ) as leg_parameters,
        {{ override_leg() }}
    from cloud_overrides
),

ai_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'generative_ai' as module_code,
        submodule_code,
        'ai_requests' as leg_code,
        request_count as activity_quantity,
        'request' as activity_unit,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        'kg_co2e_per_request' as factor_unit,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        flags,
        jsonb_build_object(
            'provider_name', provider_name,
            'usage_type', usage_type,
            'request_band_code', request_band_code,
            'requests_per_person_day', requests_per_person_day,
            'working_days', working_days,
            'fte_used', fte_used
        ) as leg_parameters
    from ai_computed
),

ai_override_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'generative_ai' as module_code,
        submodule_code,
        null::numeric as activity_quantity,
        'request' as activity_unit,
        'kg_co2e_per_request' as factor_unit,
        jsonb_build_object(
            'provider_name', provider_name,
            'usage_type', usage_type,
            'request_band_code', request_band_code
        ) as leg_parameters,
        {{ override_leg() }}
    from ai_overrides
),

final as (
    {{ module_legs(
        ["cloud_legs", "cloud_override_legs", "ai_legs", "ai_override_legs"],
        constants={"ghg_scope": "3", "ghg_category_code": "1"},
    ) }}
)

select * from final
where {{ partition_filter() }}
