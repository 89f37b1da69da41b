"""The Dagster code location: everything under `pipelines/defs/`, with the shared resources bound."""

import dagster as dg

from pipelines import defs as defs_package
from pipelines.defs.resources import RESOURCES

defs = dg.load_definitions_from_package_module(defs_package, resources=RESOURCES)
