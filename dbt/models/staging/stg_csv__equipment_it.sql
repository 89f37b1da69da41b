{{ stg_csv_equipment('equipment_it') }}
