from django.apps import AppConfig


class CascadesConfig(AppConfig):
    name = "cascades"
    verbose_name = "Cascades to sector contacts"

    def ready(self) -> None:
        from . import alerting

        # alerts fans out, sends, retries and sweeps a cascade; cascades says to whom and what.
        alerting.register()
