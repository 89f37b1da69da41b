{#- The columns of one emission leg in marts.fct_emissions order (METHODOLOGY.md §1.3), for the union of
    every module's legs. `absent` names the columns a module does not have: they are selected as NULL of the
    column's type, so each module's legs model keeps only the columns that mean something for it. The
    columns of `defaults` belong to few modules: a module selects them only when it names them in `present`,
    the others get the default (is_internal_reallocation is false, not unknown, outside research facilities;
    frozen_activity_row_count is NULL except on the frozen legs of a year whose travel detail was purged). -#}
{% macro emission_leg_columns(absent=[], present=[]) %}
    {%- set columns = [
        ("activity_row_id", "text"), ("load_id", "bigint"), ("unit_id", "text"), ("reporting_year", "integer"),
        ("module_code", "text"), ("submodule_code", "text"), ("leg_code", "text"), ("ghg_scope", "integer"),
        ("ghg_category_code", "integer"), ("cabin_class", "text"), ("activity_quantity", "numeric"),
        ("activity_unit", "text"), ("distance_km", "numeric"), ("number_of_trips", "integer"),
        ("factor_id", "text"), ("factor_set_id", "text"), ("factor_set_version", "text"),
        ("factor_value", "numeric"), ("factor_unit", "text"), ("rf_multiplier", "numeric"),
        ("class_weight", "numeric"), ("kg_co2e", "numeric"), ("uncertainty_rel", "numeric"),
        ("sigma_kg", "numeric"), ("is_override", "boolean"), ("is_additional_category", "boolean"),
        ("is_internal_reallocation", "boolean"), ("facility_unit_id", "text"),
        ("flags", "text[]"), ("origin_code", "text"), ("destination_code", "text"), ("leg_parameters", "jsonb"),
        ("frozen_activity_row_count", "integer"),
    ] -%}
    {%- set defaults = {
        "is_internal_reallocation": "false", "facility_unit_id": "null::text",
        "frozen_activity_row_count": "null::integer",
    } -%}
    {%- for name, data_type in columns %}
        {% if name in absent -%} null::{{ data_type }} as {{ name }}
        {%- elif name in defaults and name not in present -%} {{ defaults[name] }} as {{ name }}
        {%- else -%} {{ name }} {%- endif -%}
        {{- "," if not loop.last }}
    {%- endfor %}
{% endmacro %}
