from datetime import date

from django.utils import timezone

from bulletins.models import Bulletin, Marking
from demo.content import seed_bulletins, seed_threat_levels
from demo.people import seed_demo


def test_seed_loads_the_sample_as_published_in_2015_and_is_idempotent(db):
    seed_demo()
    seed_threat_levels()
    added = seed_bulletins()
    assert added >= 5
    sample = Bulletin.objects.get(title="CSSC Counter Terrorism Protective Sercurity Update")
    assert sample.status == Bulletin.Status.PUBLISHED
    assert timezone.localdate(sample.published_at) == date(2015, 12, 17)
    assert sample.marking == Marking.CLEAR and sample.all_sectors
    assert sample.threat_level_at_publication.level == "SEVERE"
    assert len(sample.key_points) == 7
    assert sample.reference == "NCPP-2015-0001"
    others = Bulletin.objects.exclude(pk=sample.pk)
    assert all(b.title.startswith("EXERCISE") for b in others)
    assert {b.marking for b in others} >= {Marking.GREEN, Marking.AMBER, Marking.RED}
    assert seed_bulletins() == 0
