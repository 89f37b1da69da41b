{#- Every shipped factor row in one long table (METHODOLOGY.md §4.2), for provenance and catalogue pages.
    Module-specific keys stay in key_json. The electricity factor serves every electric use (equipment and
    buildings) and the fuel factors both room heating and combustion: their submodule is NULL.
    One entry of `factor_families` per factor relation: its key columns (key_json) and the SQL of each column
    that is not the default of the macro dim_factor_columns; a new factor family is one more entry. -#}
{% set factor_families = [
    {"relation": "seed_factors__flights", "module_code": "'travel'", "submodule_code": "'plane'",
        "key_columns": ["band_code", "band_min_km", "band_max_km", "cabin_class", "route_scope"],
        "activity_unit": "'pkm'", "factor_value": "value_kg_co2e_per_pkm", "factor_unit": "'kg_co2e_per_pkm'",
        "rf_included": "rf_included", "class_basis": "class_basis"},
    {"relation": "seed_factors__rail", "module_code": "'travel'", "submodule_code": "'train'",
        "key_columns": ["country_code", "service_code"], "region_code": "country_code",
        "activity_unit": "'pkm'", "factor_value": "value_kg_co2e_per_pkm", "factor_unit": "'kg_co2e_per_pkm'",
        "class_basis": "'class_average'"},
    {"relation": "seed_factors__electricity", "module_code": "'equipment'",
        "key_columns": ["region_code", "mix_code"], "region_code": "region_code",
        "activity_unit": "'kWh'", "factor_value": "value_kg_co2e_per_kwh", "factor_unit": "'kg_co2e_per_kwh'"},
    {"relation": "seed_factors__gwp", "module_code": "'process_emissions'",
        "submodule_code": "case when gas_code in ('CO2', 'CH4', 'N2O') then lower(gas_code) else 'refrigerants' end",
        "key_columns": ["gas_code", "gwp_basis", "horizon_years", "is_blend"],
        "activity_unit": "'kg'", "factor_value": "value_kg_co2e_per_kg", "factor_unit": "'kg_co2e_per_kg'"},
    {"relation": "seed_factors__fuels", "module_code": "'buildings'",
        "key_columns": ["fuel_code", "calorific_basis", "factor_boundary"],
        "activity_unit": "activity_unit", "factor_value": "value_kg_co2e_per_unit",
        "factor_unit": "'kg_co2e_per_' || lower(activity_unit)"},
    {"relation": "seed_factors__cloud", "module_code": "'external_cloud'",
        "submodule_code": "nullif(service_type, 'any')",
        "key_columns": ["provider", "service_type", "currency", "price_base_year"],
        "activity_unit": "'EUR'", "factor_value": "value_kg_co2e_per_eur", "factor_unit": "'kg_co2e_per_eur'"},
    {"relation": "seed_factors__ai", "module_code": "'generative_ai'",
        "key_columns": ["usage_type", "provider", "per"],
        "activity_unit": "'request'", "factor_value": "value_kg_co2e_per_request",
        "factor_unit": "'kg_co2e_per_request'"},
    {"relation": "seed_factors__research_facilities", "module_code": "'research_facilities'",
        "submodule_code": "'it_facilities'", "key_columns": ["allocation_unit"],
        "activity_unit": "allocation_unit", "factor_value": "value_kg_co2e_per_unit",
        "factor_unit": "'kg_co2e_per_' || allocation_unit"},
    {"relation": "int_purchases__factors_by_code", "module_code": "'purchases'",
        "submodule_code": "purchase_category",
        "key_columns": ["code_system", "code", "match_level", "price_base_year"],
        "activity_unit": "'EUR'", "factor_value": "value_kg_co2e_per_eur", "factor_unit": "'kg_co2e_per_eur'",
        "source_year": "price_base_year", "notes": "factor_label"},
    {"relation": "seed_factors__purchases_mass", "module_code": "'purchases'", "submodule_code": "'additional'",
        "key_columns": ["item_code"],
        "activity_unit": "'kg'", "factor_value": "value_kg_co2e_per_kg", "factor_unit": "'kg_co2e_per_kg'"},
    {"relation": "seed_purchases__excluded_codes", "module_code": "'purchases'",
        "factor_id": "'co2calc_purchase_exclusions:purchases:' || code_system || '.' || code",
        "factor_set_id": "'co2calc_purchase_exclusions'",
        "key_columns": ["code_system", "code", "overlapping_module"],
        "activity_unit": "'EUR'", "factor_value": "0::numeric", "factor_unit": "'kg_co2e_per_eur'",
        "uncertainty_rel": "null::numeric", "source_year": "null::integer",
        "source_ref": "'dbt/seeds/seed_purchases__excluded_codes.csv'", "notes": "reason"},
    {"relation": "seed_factors__road", "module_code": "null::text",
        "key_columns": ["mode_code", "vehicle_type"],
        "activity_unit": "basis_code", "factor_value": "value_kg_co2e_per_unit",
        "factor_unit": "'kg_co2e_per_' || basis_code"},
    {"relation": "seed_factors__food", "module_code": "'additional'", "submodule_code": "'food'",
        "key_columns": ["diet_code"],
        "activity_unit": "per_unit", "factor_value": "value_kg_co2e_per_unit",
        "factor_unit": "'kg_co2e_per_' || per_unit"},
] %}

with final as (
    {% for family in factor_families %}
        select {{ dim_factor_columns(family) }}
        from {{ ref(family.relation) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
