from django.apps import AppConfig


class AdvisorsConfig(AppConfig):
    name = "advisors"
    verbose_name = "Advisors and organisations"
