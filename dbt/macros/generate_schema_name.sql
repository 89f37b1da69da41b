{#- Layers own fixed schemas (staging, intermediate, marts, reporting, reference): the custom schema name is
    used verbatim instead of dbt's default `<target_schema>_<custom>`, so the dashboard role can be granted
    `reporting` whatever the target. A what-if (`co2calc whatif`, pipelines/whatif.py) sets the var
    `whatif_schema_prefix` (`whatif_refcalc_compat_`) and builds every layer, seeds included, into schemas of
    its own (`whatif_refcalc_compat_reporting`), so the headline schemas are never touched. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set prefix = var("whatif_schema_prefix") -%}
    {%- if prefix and not modules.re.fullmatch("whatif_[a-z0-9_]+_", prefix) -%}
        {{ exceptions.raise_compiler_error(
            "var whatif_schema_prefix must look like whatif_<profile>_ (lower case), got '" ~ prefix ~ "'"
        ) }}
    {%- endif -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ prefix }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
