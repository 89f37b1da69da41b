"""Reference data shipped with co2calc (airports, train stations), loaded into `reference.*`."""

import dagster as dg

from ingest.load import load_reference_data
from pipelines.defs.resources import WarehouseResource


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["reference", "airports"],
            group_name="reference",
            description="Airports with IATA codes and coordinates, from the airportsdata package (MIT).",
        ),
        dg.AssetSpec(
            ["reference", "train_stations"],
            group_name="reference",
            description="Main train stations of Switzerland and its neighbours, shipped with co2calc.",
        ),
    ]
)
def reference_data(warehouse: WarehouseResource):
    counts = load_reference_data(warehouse.engine())
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table.split("."), metadata={"row_count": rows})


defs = dg.Definitions(assets=[reference_data])
