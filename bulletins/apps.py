from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "Bulletins and threat levels"

    def ready(self) -> None:
        # Receivers that mark kept list and search results out of date when bulletins change.
        from . import listing  # noqa: F401
