{{ stg_csv_purchases('purchases_vehicles', 'vehicles') }}
