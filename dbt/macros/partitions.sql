{#- Partition rebuilds (ARCHITECTURE.md §10, "cost follows the change"). The models after staging that carry a
    reporting year are incremental: a partition build (pipelines/build.py: the running row of ops.builds names
    its years; the run selects the models downstream of the raw sources that changed) deletes and recomputes
    only those years, and, in the models grouped by module, only the modules whose legs models the selection
    holds. The years come from the warehouse rather than from `--vars`, which would make dbt parse the whole
    project again at every build (7.5 s against 2.9 s). A
    year's rows depend on that year's rows and on year-less references only (no model looks at another
    year), so the rebuilt partitions are the rows a full build would give; tests/integration/pipeline/
    test_partition_rebuilds.py proves it row for row. In any other build an incremental model deletes and
    recomputes everything; `dbt build --full-refresh` recreates it.
    Every incremental model deletes with `delete_changed_partitions` (its pre-hook) and ends with
    `where {{ partition_filter(...) }}` given the same arguments; tests/unit/dbt checks each one does. -#}

{#- The emission rows' modules: their codes, their legs models (with the columns they do not have and the
    columns of few modules they do have, for emission_leg_columns) and their unresolved-rows models. The one
    list fct_emissions, fct_unresolved_rows and the partition rebuilds read: a new module adds itself here. -#}
{% macro emission_modules() %}
    {%- set travel_only = ["cabin_class", "distance_km", "number_of_trips", "rf_multiplier", "class_weight",
        "origin_code", "destination_code"] -%}
    {%- set facility_only = ["is_internal_reallocation", "facility_unit_id"] -%}
    {#- Legs frozen before their travel detail was purged (ingest/retention.py): one row per group of legs,
        with the group's sums and its activity-row count, no load and no route. -#}
    {%- set frozen_only = ["is_internal_reallocation", "facility_unit_id", "frozen_activity_row_count"] -%}
    {{ return([
        {"module_codes": ["travel"],
         "legs": [("int_travel__legs_unioned", ["leg_parameters"], []),
                  ("int_archive__legs_restored",
                   ["load_id", "origin_code", "destination_code", "leg_parameters"], frozen_only)],
         "unresolved": ["int_travel__rows_unresolved"]},
        {"module_codes": ["equipment"],
         "legs": [("int_equipment__legs_unioned", travel_only, [])],
         "unresolved": ["int_equipment__rows_unresolved"]},
        {"module_codes": ["process_emissions"],
         "legs": [("int_process__legs_unioned", travel_only, [])],
         "unresolved": ["int_process__rows_unresolved"]},
        {"module_codes": ["buildings"],
         "legs": [("int_buildings__legs_unioned", travel_only, [])],
         "unresolved": ["int_buildings__rows_unresolved"]},
        {"module_codes": ["external_cloud", "generative_ai"],
         "legs": [("int_cloud_ai__legs_unioned", travel_only, [])],
         "unresolved": ["int_cloud_ai__rows_unresolved"]},
        {"module_codes": ["purchases"],
         "legs": [("int_purchases__legs_unioned", travel_only, [])],
         "unresolved": ["int_purchases__rows_unresolved"]},
        {"module_codes": ["research_facilities"],
         "legs": [("int_facilities__legs_unioned", travel_only, facility_only)],
         "unresolved": ["int_facilities__rows_unresolved"]},
        {"module_codes": ["additional"],
         "legs": [("int_additional__legs_unioned", travel_only, []),
                  ("int_additional__construction_legs", travel_only, [])],
         "unresolved": ["int_additional__rows_unresolved", "int_additional__construction_rows_unresolved"]},
    ]) }}
{% endmacro %}

{#- The reporting years of the partition build running now, or none: the years of the latest ops.builds row
    when it is a running partition build whose lock (ops.build_lock_key) is held. pipelines/defs/dbt/assets.py
    takes the lock, writes the row, runs dbt, closes the row and lets the lock go; a row still running with
    the lock free was left by a build that died, and a hand-run `dbt build` then rebuilds everything. -#}
{% macro changed_years() %}
    {#- A what-if (var whatif_schema_prefix) builds schemas of its own, always whole: it never reads the
        headline's running build, which may hold the lock while the what-if runs. -#}
    {%- if not execute or var("whatif_schema_prefix") -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set ledger = run_query("select to_regclass('ops.builds') is not null") -%}
    {%- if not ledger.columns[0].values()[0] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set latest = run_query(
        "select array_to_string(reporting_years, ',') from ops.builds "
        ~ "where build_kind = 'partitions' and build_status = 'running' "
        ~ "and build_id = (select max(build_id) from ops.builds)"
    ) -%}
    {%- if not latest.rows -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set lock = run_query("select pg_try_advisory_lock(ops.build_lock_key())") -%}
    {%- if lock.columns[0].values()[0] -%}
        {%- do run_query("select pg_advisory_unlock(ops.build_lock_key())") -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set years = [] -%}
    {%- for year in (latest.columns[0].values()[0] or "").split(",") if year -%}
        {%- do years.append(year | int) -%}
    {%- endfor -%}
    {{ return(years) }}
{% endmacro %}

{#- True when this run rebuilds partitions of this (existing, incremental) model rather than all of it. -#}
{% macro rebuilds_partitions() %}
    {#- dbt's unit tests render a model without a relation (`this`), where is_incremental() fails. -#}
    {{ return(this is not none and is_incremental() and changed_years() is not none) }}
{% endmacro %}

{#- Whether a module's rows are rebuilt in this run: one of its legs or unresolved-rows models is selected. -#}
{% macro module_is_rebuilt(module) %}
    {%- for model in module.legs | map(attribute=0) | list + module.unresolved -%}
        {%- if "model." ~ project_name ~ "." ~ model in selected_resources -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}

{#- The module codes rebuilt in this run. -#}
{% macro rebuilt_module_codes() %}
    {%- set codes = [] -%}
    {%- for module in emission_modules() if module_is_rebuilt(module) -%}
        {%- do codes.extend(module.module_codes) -%}
    {%- endfor -%}
    {{ return(codes) }}
{% endmacro %}

{#- The rows of the partitions this run rebuilds, as a predicate on the model's own columns: every row
    without partition rebuilds; else the changed years and, for a model grouped by module, the rebuilt modules
    (`module_column` names its column; `module_codes` gives the modules a model without one holds). A what-if of
    one year (var whatif_reporting_year, a full build) keeps that year's rows only: a year's rows depend on no
    other year's, so they are the rows a build of every year would give. -#}
{% macro partition_filter(module_column=none, module_codes=none) %}
    {%- set years = changed_years() if this is not none and is_incremental() else none -%}
    {%- if years is none and this is not none and var("whatif_reporting_year") is not none -%}
        reporting_year = {{ var("whatif_reporting_year") | int }}
    {%- elif years is none -%}
        true
    {%- else -%}
        {%- set rebuilt = rebuilt_module_codes() -%}
        reporting_year in ({{ years | join(", ") if years else "null" }})
        {%- if module_column is not none %}
            and {{ module_column }} in ('{{ rebuilt | join("', '") }}')
        {%- elif module_codes is not none and not (module_codes | select("in", rebuilt) | list) %}
            and false
        {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#- Pre-hook of every incremental model: the rows partition_filter selects go before they are computed again
    (in the transaction that inserts them). -#}
{% macro delete_changed_partitions(module_column=none, module_codes=none) %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ partition_filter(module_column=module_column, module_codes=module_codes) }}
    {%- endif -%}
{% endmacro %}

{#- Data tests of a partition build look at the rebuilt partitions only: the rows of the changed years (and,
    in a table grouped by module, of the rebuilt modules and the `all` rows), whatever the table holds besides.
    The rows a partition build leaves alone were tested by the build that wrote them, and full builds test
    everything. dbt wraps each test's model in get_where_subquery, its way of filtering a test's rows. -#}
{% macro postgres__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get("where") -%}
        {%- do conditions.append("(" ~ config.get("where") ~ ")") -%}
    {%- endif -%}
    {%- do conditions.extend(partition_test_conditions(relation, by_module=true)) -%}
    {{ return(filtered_relation(relation, conditions)) }}
{%- endmacro %}

{#- The rows of `relation` a partition build rewrote, by year only: the other side of a test that compares two
    tables (parts_sum_to_total), whose rows of a year must all be there. -#}
{% macro partition_years_subquery(relation) -%}
    {{ return(filtered_relation(relation, partition_test_conditions(relation, by_module=false))) }}
{%- endmacro %}

{% macro partition_test_conditions(relation, by_module) -%}
    {%- set years = changed_years() if relation is not string else none -%}
    {%- if years is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute="name") | list -%}
    {%- if "reporting_year" not in columns -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set conditions = ["reporting_year in (" ~ (years | join(", ") if years else "null") ~ ")"] -%}
    {%- if by_module and "module_code" in columns -%}
        {%- do conditions.append("module_code in ('" ~ (rebuilt_module_codes() + ["all"]) | join("', '") ~ "')") -%}
    {%- endif -%}
    {{ return(conditions) }}
{%- endmacro %}

{% macro filtered_relation(relation, conditions) -%}
    {%- if not conditions -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ conditions | join(" and ") }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}
