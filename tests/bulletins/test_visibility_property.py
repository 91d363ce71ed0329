"""Property: what a person reaches through the list and search equals an independent oracle."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership
from bulletins.models import Bulletin
from bulletins.search import update_search_index
from tests.helpers import every_listed

SECTOR_COUNT = 3
bulletin_specs = st.lists(
    st.tuples(
        st.sampled_from(["draft", "published", "withdrawn"]),
        st.booleans(),  # all sectors
        st.sets(st.integers(0, SECTOR_COUNT - 1)),  # chosen sectors
    ),
    max_size=6,
)


def oracle(status: str, all_sectors: bool, chosen: set[int], mine: set[int], staff: bool) -> bool:
    if staff:
        return True
    if status == "draft" or not mine:
        return False
    return all_sectors or bool(chosen & mine)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=bulletin_specs, mine=st.sets(st.integers(0, SECTOR_COUNT - 1)), staff=st.booleans())
def test_list_and_search_reach_exactly_what_the_memberships_allow(
    client, outsider, ncpp_officer, specs, mine, staff
):
    from tests.factories import SectorFactory

    sectors = [
        SectorFactory(slug=f"property-{n}", name=f"Property {n}") for n in range(SECTOR_COUNT)
    ]
    Bulletin.objects.all().delete()
    Membership.objects.filter(user=outsider).delete()
    for n in mine:
        Membership.objects.create(user=outsider, sector=sectors[n])
    person = ncpp_officer if staff else outsider

    expected = set()
    for number, (status, all_sectors, chosen) in enumerate(specs):
        # Made by hand, not through the services: the access rule must hold even for rows the
        # services refuse to publish, such as a bulletin with no audience at all.
        bulletin = Bulletin.objects.create(
            title=f"Property bulletin {number}",
            summary="propertyword",
            author=ncpp_officer,
            status=status,
            all_sectors=all_sectors,
            reference=None if status == "draft" else f"TEST-{number}",
            published_at=None if status == "draft" else "2024-01-01T00:00:00Z",
            withdrawn_reason="Reason." if status == "withdrawn" else "",
        )
        bulletin.sectors.set([sectors[n] for n in chosen])
        update_search_index(bulletin)
        if oracle(status, all_sectors, chosen, mine, staff):
            expected.add(bulletin.pk)

    client.force_login(person)
    listed = every_listed(client, "/bulletins/")
    found = every_listed(client, "/bulletins/search/", {"q": "propertyword"})
    assert sorted(listed) == sorted(expected)
    assert sorted(found) == sorted(expected)
