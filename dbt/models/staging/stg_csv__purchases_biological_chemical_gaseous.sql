{{ stg_csv_purchases('purchases_biological_chemical_gaseous', 'biological_chemical_gaseous') }}
