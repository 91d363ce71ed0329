from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Sector, User
from accounts.permissions import is_ncpp_staff, is_portal_admin
from demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_a_dozen_sectors_and_a_person_per_role(settings):
    settings.DEBUG = True

    call_command("seed_demo", stdout=StringIO())

    assert Sector.objects.count() == 12
    officer = User.objects.get(email="ncpp.officer@example.org")
    admin = User.objects.get(email="portal.admin@example.org")
    lead = User.objects.get(email="isl.retail@example.org")
    assert is_ncpp_staff(officer) and not is_portal_admin(officer)
    assert is_portal_admin(admin) and not is_ncpp_staff(admin)
    assert lead.memberships.get().role == Membership.Role.LEAD
    assert lead.check_password(DEMO_PASSWORD)


def test_seed_demo_can_run_twice_without_duplicating_anything(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    counts = (Sector.objects.count(), User.objects.count(), Membership.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (Sector.objects.count(), User.objects.count(), Membership.objects.count()) == counts


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()
