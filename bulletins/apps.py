from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
    verbose_name = "Bulletins"

    def ready(self) -> None:
        from accounts.audit import register_restricted_objects

        # Receivers that mark kept list and search results out of date when bulletins change.
        from . import kept  # noqa: F401
        from .permissions import AUDIT_PLAIN_KEYS, audit_label, bulletins_hidden_from

        # Audit rows name a bulletin by its reference; what it says is for its readers only.
        register_restricted_objects(
            "bulletins.bulletin",
            label=audit_label,
            hidden_from=bulletins_hidden_from,
            plain_keys=AUDIT_PLAIN_KEYS,
        )
