{{ stg_csv_purchases('purchases_common', none) }}
