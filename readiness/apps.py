from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Readiness assessment"

    def ready(self) -> None:
        from readiness import (
            privacy_hooks,  # noqa: F401 (registers its eraser and exporter)
            signals,  # noqa: F401 (renews per-process reference data)
        )
