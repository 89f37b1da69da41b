{#- Staging of one of the three equipment sources (raw.equipment_scientific, _it, _other): the EPFL templates
    are identical but for their sub-module, so their staging models are one definition. -#}
{% macro stg_csv_equipment(source_table) %}
with source as (
    select * from {{ source('raw', source_table) }}
),

final as (
    select
        '{{ source_table }}:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        equipment_category as submodule_code,
        equipment_id,
        name as equipment_name,
        equipment_class,
        sub_class,
        active_usage_hours_per_week,
        standby_usage_hours_per_week,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
{% endmacro %}
