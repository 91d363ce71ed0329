import pytest

from bulletins.models import ThreatLevelScope


@pytest.fixture
def national(db) -> ThreatLevelScope:
    """Made by the data migration, as in every real database."""
    return ThreatLevelScope.objects.get(slug="national")


@pytest.fixture
def northern_ireland(db) -> ThreatLevelScope:
    return ThreatLevelScope.objects.get(slug="northern-ireland")
