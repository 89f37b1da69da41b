{{ stg_csv_purchases('purchases_consumables', 'consumable_accessories') }}
