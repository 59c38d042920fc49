from django.apps import AppConfig


class TimeseriesConfig(AppConfig):
    name = "ainergy.timeseries"
    label = "timeseries"
    verbose_name = "Time series"
