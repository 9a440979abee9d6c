from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The top of the stack: the one evaluation pipeline, results and report contexts, PDFs."""

    name = "reports"
    verbose_name = "Results and reports"

    def ready(self) -> None:
        from reports import privacy_hooks  # noqa: F401 (registers its eraser and receiver)
