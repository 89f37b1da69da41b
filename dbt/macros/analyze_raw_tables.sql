{#- On run start: statistics for the raw tables that loads changed since they were last analysed. Without them
    the planner reads a freshly loaded table as a few hundred rows and joins the staging views' rows with
    nested loops; this machine's PostgreSQL runs no autovacuum, and a build right after a load cannot wait for
    it elsewhere either. ANALYZE samples at most 30,000 rows a table, so its cost does not grow with the data. -#}
{% macro analyze_changed_raw_tables() %}
    {%- if execute -%}
        {%- set changed = run_query(
            "select relname from pg_stat_user_tables where schemaname = 'raw' "
            ~ "and (n_mod_since_analyze > 0 or coalesce(last_analyze, last_autoanalyze) is null)"
        ) -%}
        {%- for table in changed.columns[0].values() -%}
            {%- do run_query("analyze raw." ~ adapter.quote(table)) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
