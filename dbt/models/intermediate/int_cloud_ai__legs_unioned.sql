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

legs as (
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
    union all
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'external_cloud' as module_code,
        submodule_code,
        'override' as leg_code,
        null::numeric as activity_quantity,
        'EUR' as activity_unit,
        'override' as factor_id,
        'override' as factor_set_id,
        load_id::text as factor_set_version,
        null::numeric as factor_value,
        'kg_co2e_per_eur' as factor_unit,
        override_kg_co2e as kg_co2e,
        null::numeric as uncertainty_rel,
        null::numeric as sigma_kg,
        true as is_override,
        array[]::text[] as flags,
        jsonb_build_object(
            'provider_name', provider_name,
            'service_type', service_type,
            'spent_amount', spent_amount,
            'currency_code', currency_code
        ) as leg_parameters
    from cloud_overrides
    union all
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
    union all
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'generative_ai' as module_code,
        submodule_code,
        'override' as leg_code,
        null::numeric as activity_quantity,
        'request' as activity_unit,
        'override' as factor_id,
        'override' as factor_set_id,
        load_id::text as factor_set_version,
        null::numeric as factor_value,
        'kg_co2e_per_request' as factor_unit,
        override_kg_co2e as kg_co2e,
        null::numeric as uncertainty_rel,
        null::numeric as sigma_kg,
        true as is_override,
        array[]::text[] as flags,
        jsonb_build_object(
            'provider_name', provider_name,
            'usage_type', usage_type,
            'request_band_code', request_band_code
        ) as leg_parameters
    from ai_overrides
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        module_code,
        submodule_code,
        leg_code,
        3 as ghg_scope,
        1 as ghg_category_code,
        activity_quantity,
        activity_unit,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        factor_unit,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        is_override,
        false as is_additional_category,
        flags,
        leg_parameters
    from legs
)

select * from final
