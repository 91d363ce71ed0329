import pytest

from threat_levels.models import ThreatLevelScope


@pytest.fixture
def northern_ireland(db) -> ThreatLevelScope:
    return ThreatLevelScope.objects.get(slug="northern-ireland")
