{#- The columns of one factor family in marts.dim_factors (METHODOLOGY.md §4.2), in order. `family` is an entry
    of dim_factors' `factor_families`: key_json is built from its `key_columns`; every other column is the
    family's SQL for it, else the default below (the seed's own column, or NULL where factor seeds have none). -#}
{% macro dim_factor_columns(family) %}
    {%- set columns = [
        "factor_id", "factor_set_id", "module_code", "submodule_code", "key_json", "region_code", "activity_unit",
        "factor_value", "factor_unit", "uncertainty_rel", "rf_included", "class_basis", "source_year", "source_ref",
        "notes",
    ] -%}
    {%- set defaults = {
        "factor_id": "factor_id",
        "factor_set_id": "factor_set_id",
        "submodule_code": "null::text",
        "region_code": "null::text",
        "uncertainty_rel": "uncertainty_rel",
        "rf_included": "null::numeric",
        "class_basis": "null::text",
        "source_year": "source_year",
        "source_ref": "source_ref",
        "notes": "notes",
    } -%}
    {%- for column in columns %}
        {% if column == "key_json" -%}
            jsonb_build_object(
            {%- for key in family.key_columns %}
                '{{ key }}', {{ key }}{{ "," if not loop.last }}
            {%- endfor %}
            ) as key_json
        {%- else -%}
            {{ family.get(column, defaults.get(column)) }} as {{ column }}
        {%- endif -%}
        {{- "," if not loop.last }}
    {%- endfor %}
{% endmacro %}
