from django.apps import AppConfig


class AdvisorsConfig(AppConfig):
    name = "advisors"
    verbose_name = "Advisors and organisations"

    def ready(self) -> None:
        from advisors import privacy_hooks  # noqa: F401 (registers the exporter)
        from advisors.services import rematch_on_programme_change
        from programmes.signals import programme_rules_changed

        programme_rules_changed.connect(rematch_on_programme_change,
                                        dispatch_uid="advisors.rematch")
