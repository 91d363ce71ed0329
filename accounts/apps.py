from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, sectors and membership"

    def ready(self) -> None:
        from . import backends, signals  # noqa: F401  (connect their receivers)
