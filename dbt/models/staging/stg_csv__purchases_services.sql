{{ stg_csv_purchases('purchases_services', 'services') }}
