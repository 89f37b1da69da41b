"""The Dagster code location: everything under `pipelines/defs/`, merged; nothing added by hand."""

import dagster as dg

from pipelines import defs as defs_package

defs = dg.load_definitions_from_package_module(defs_package)
