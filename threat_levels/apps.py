from django.apps import AppConfig


class ThreatLevelsConfig(AppConfig):
    name = "threat_levels"
    verbose_name = "Threat levels"
