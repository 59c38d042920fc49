from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "ainergy.markets"
    label = "markets"
    verbose_name = "Markets"
