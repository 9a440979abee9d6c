from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Support programmes"

    def ready(self) -> None:
        from programmes import signals  # noqa: F401 (connects the change signal)
