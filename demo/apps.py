from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for development: seed_demo and demo_code. Nothing here runs in the service."""

    name = "demo"
    verbose_name = "Demo data"
