import pytest

from accounts.models import Membership
from cascades.models import Contact

# Shared fixtures: email over SMTP to the test's server; a Redis and workers of the test's own.
from tests.alerts.conftest import smtp_backend  # noqa: F401
from tests.alerts.test_outages import own_redis, own_worker  # noqa: F401
from tests.factories import MembershipFactory
from tests.helpers import make_contacts, make_person


@pytest.fixture
def retail_contacts(retail) -> list[Contact]:
    return make_contacts(retail, 3, prefix="shop")


@pytest.fixture
def transport_contacts(transport) -> list[Contact]:
    return make_contacts(transport, 2, prefix="operator")


@pytest.fixture
def retail_member(retail):
    """In retail, but neither its lead nor a deputy."""
    person = make_person("member.retail@example.org", "Retail member")
    MembershipFactory(user=person, sector=retail, role=Membership.Role.MEMBER)
    return person


@pytest.fixture
def transport_lead(transport):
    person = make_person("lead.transport@example.org", "Transport lead")
    MembershipFactory(user=person, sector=transport, role=Membership.Role.LEAD)
    return person
