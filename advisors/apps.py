from django.apps import AppConfig


class AdvisorsConfig(AppConfig):
    name = "advisors"
    verbose_name = "Advisors and organisations"

    def ready(self) -> None:
        from advisors import privacy_hooks  # noqa: F401 (registers the exporter)
