{#- The emission-row shape of a module's legs model (METHODOLOGY.md §1.3): every CTE of `legs` selected by
    column name in one order and unioned, so a module's computed and override legs cannot drift apart.
    `constants` gives the SQL of the columns that are the same on every leg of the module (module code, scope,
    category, units); each other column is the CTE's column of that name. `extra` names a module's own columns
    (inserted before flags), `absent` the shape's columns a module does not have. fct_emissions then unions
    the modules' legs models with emission_leg_columns. -#}
{% macro module_legs(legs, constants={}, extra=[], absent=[]) %}
    {%- set shape = [
        "activity_row_id", "load_id", "unit_id", "reporting_year", "module_code", "submodule_code", "leg_code",
        "ghg_scope", "ghg_category_code", "activity_quantity", "activity_unit", "factor_id", "factor_set_id",
        "factor_set_version", "factor_value", "factor_unit", "kg_co2e", "uncertainty_rel", "sigma_kg",
        "is_override", "is_additional_category",
    ] + extra + ["flags", "leg_parameters"] -%}
    {%- set defaults = {"is_additional_category": "false"} -%}
    {%- for cte in legs %}
        select
            {%- for column in shape if column not in absent %}
                {% if column in constants -%} {{ constants[column] }} as {{ column }}
                {%- elif column in defaults -%} {{ defaults[column] }} as {{ column }}
                {%- else -%} {{ column }} {%- endif -%}
                {{- "," if not loop.last }}
            {%- endfor %}
        from {{ cte }}
        {{- "\n        union all" if not loop.last }}
    {%- endfor %}
{% endmacro %}

{#- The columns every `override` leg shares (METHODOLOGY.md §1.4): the row's own kg_co2eq used verbatim, leg,
    factor and set ids `override`, set version the load that brought the value, no factor value, unknown
    uncertainty. A module's override CTE selects them beside its own columns (submodule, activity,
    leg_parameters); `kg_co2e` and `flags` name the columns when the row carries them under another name or
    brings flags of its own. -#}
{% macro override_leg(kg_co2e="override_kg_co2e", flags="array[]::text[]") -%}
    'override' as leg_code,
        'override' as factor_id,
        'override' as factor_set_id,
        load_id::text as factor_set_version,
        null::numeric as factor_value,
        {{ kg_co2e }} as kg_co2e,
        null::numeric as uncertainty_rel,
        null::numeric as sigma_kg,
        true as is_override,
        {{ flags }} as flags
{%- endmacro %}
