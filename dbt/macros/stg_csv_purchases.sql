{#- Staging of one of the eight monetary purchase sources (raw.purchases_scientificequipment ... _common): the
    EPFL templates share their columns, so their staging models are one definition. `submodule_code` is the
    template's sub-module, NULL for the common template (its rows take their factor's purchase_category).
    A blank currency is read as CHF (currency_source 'default', flagged PURCH_DEFAULT_CURRENCY downstream);
    only an 8-digit purchase_institutional_code is a UNSPSC commodity code (the templates also carry one-letter
    internal codes such as `A`, kept in institutional_code). -#}
{% macro stg_csv_purchases(source_table, submodule_code) %}
with source as (
    select * from {{ source('raw', source_table) }}
),

final as (
    select
        '{{ source_table }}:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        '{{ source_table }}' as source_code,
        reporting_year,
        unit_institutional_id as unit_id,
        {{ "'" ~ submodule_code ~ "'" if submodule_code else "null::text" }} as template_submodule_code,
        name as purchase_name,
        supplier as supplier_name,
        quantity,
        total_spent_amount,
        coalesce(currency, 'CHF') as currency_code,
        case when currency is null then 'default' else 'file' end as currency_source,
        purchase_institutional_code as institutional_code,
        case when purchase_institutional_code ~ '^[0-9]{8}$' then purchase_institutional_code end as unspsc_code,
        purchase_additional_code as nacres_code,
        purchase_institutional_description as institutional_description,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
{% endmacro %}
