"""seed_demo's threat-level history: the real, checked history, loaded once however often."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts.models import Alert
from demo.content import HISTORY, seed_threat_levels
from threat_levels.models import ThreatLevelChange
from threat_levels.selectors import levels_in_force

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_history_of_both_scopes_once(settings):
    settings.DEBUG = True

    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())

    assert f"Threat-level history: {len(HISTORY)} changes added." in out.getvalue()
    assert ThreatLevelChange.objects.count() == len(HISTORY)
    assert seed_threat_levels() == 0
    assert not Alert.objects.exists()  # history is corrected into place, not announced
    assert all(change.is_correction for change in ThreatLevelChange.objects.all())


def test_the_seeded_history_ends_at_the_levels_in_force_and_keeps_old_wording(db):
    seed_threat_levels()

    levels = {level.scope_slug: level for level in levels_in_force(timezone.now())}
    assert levels["national"].level == "SEVERE"
    assert timezone.localtime(levels["national"].since).date().isoformat() == "2026-04-30"
    assert levels["northern-ireland"].level == "SUBSTANTIAL"
    assert timezone.localtime(levels["northern-ireland"].since).date().isoformat() == "2024-03-06"
    first_critical = ThreatLevelChange.objects.filter(level="CRITICAL").order_by("effective_at")[0]
    assert first_critical.meaning == "an attack is expected imminently"
