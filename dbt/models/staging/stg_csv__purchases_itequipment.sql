{{ stg_csv_purchases('purchases_itequipment', 'it_equipment') }}
