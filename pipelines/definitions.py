"""The Dagster code location: the `defs` of every module under `pipelines/defs/`, merged, with the resources."""

import importlib
import pkgutil

import dagster as dg

from pipelines import defs as defs_package
from pipelines.defs.resources import RESOURCES


def _module_definitions() -> list[dg.Definitions]:
    found = []
    for module_info in pkgutil.walk_packages(defs_package.__path__, prefix=f"{defs_package.__name__}."):
        module = importlib.import_module(module_info.name)
        if isinstance(getattr(module, "defs", None), dg.Definitions):
            found.append(module.defs)
    return found


defs = dg.Definitions.merge(*_module_definitions(), dg.Definitions(resources=RESOURCES))
