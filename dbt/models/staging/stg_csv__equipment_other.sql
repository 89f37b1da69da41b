{{ stg_csv_equipment('equipment_other') }}
