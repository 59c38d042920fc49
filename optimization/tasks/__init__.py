"""Celery tasks of the optimization app: every module of this package is imported, so that
workers autodiscovering ``optimization.tasks`` register each part's tasks (household, bidding...)."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
