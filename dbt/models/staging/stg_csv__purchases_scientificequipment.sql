{{ stg_csv_purchases('purchases_scientificequipment', 'scientific_equipment') }}
