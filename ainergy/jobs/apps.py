from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ainergy.jobs"
    label = "jobs"
    verbose_name = "Jobs"
