from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "ainergy.assets"
    label = "assets"
    verbose_name = "Assets"
