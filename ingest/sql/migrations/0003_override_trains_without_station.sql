-- A train row bringing its own kg_co2eq needs no known station (METHODOLOGY.md §1.4, issue 11): it loads with the
-- names as written and no station id. The raw table is made from the contract (ingest/migrate.py, after the
-- files), with these columns nullable; a warehouse made before keeps NOT NULL until this runs.
do $$
begin
    if to_regclass('raw.travel_trains') is not null then
        alter table raw.travel_trains alter column origin_station_id drop not null;
        alter table raw.travel_trains alter column destination_station_id drop not null;
    end if;
end
$$;
