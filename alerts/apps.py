from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        # Writes the Alert of a threat-level change and of a bulletin, in their transactions.
        from . import receivers  # noqa: F401
