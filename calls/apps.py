from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Bridge calls"

    def ready(self) -> None:
        from accounts.audit import register_restricted_objects

        from . import alerting, receivers  # noqa: F401
        from .permissions import calls_hidden_from

        # alerts fans out, sends and sweeps the calls' alerts; calls says who and what.
        alerting.register()
        # A call's title is for its audience: the audit log names it by number to others.
        register_restricted_objects(
            "calls.call",
            label=lambda call: f"Call {call.pk}",
            hidden_from=calls_hidden_from,
            plain_keys={
                "starts_at",
                "audience",
                "invited",
                "fields",
                "sequence",
                "sectors",
                "bulletin",
            },
        )
