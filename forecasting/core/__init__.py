"""Pure forecasting core: models, baselines, backtests and scenarios (no Django, no Celery).

The public entry points for other packages are in :mod:`forecasting.core.api`.
"""
