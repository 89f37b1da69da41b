{{ stg_csv_purchases('purchases_other', 'other') }}
