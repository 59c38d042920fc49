from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "ainergy.common"
    label = "common"
    verbose_name = "Common"
