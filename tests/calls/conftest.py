import pytest

from accounts.models import Membership
from tests.factories import MembershipFactory
from tests.helpers import make_person


@pytest.fixture
def retail_deputy(retail):
    person = make_person("deputy.retail@example.org", "Retail deputy")
    MembershipFactory(user=person, sector=retail, role=Membership.Role.DEPUTY)
    return person


@pytest.fixture
def transport_deputy(transport):
    person = make_person("deputy.transport@example.org", "Transport deputy")
    MembershipFactory(user=person, sector=transport, role=Membership.Role.DEPUTY)
    return person
