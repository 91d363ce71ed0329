from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent, Membership, Sector, User
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


def test_seed_demo_puts_the_isls_in_their_sectors_through_the_admins_service(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    added = AuditEvent.objects.filter(action="membership.added")
    assert sorted(added.values_list("changes__sector", flat=True)) == [
        "night-time-economy",
        "retail",
        "transport",
    ]
    assert set(added.values_list("actor_email", flat=True)) == {"portal.admin@example.org"}

    deputy = Membership.objects.get(sector__slug="night-time-economy")
    deputy.role = Membership.Role.MEMBER
    deputy.save()
    call_command("seed_demo", stdout=StringIO())

    deputy.refresh_from_db()
    assert deputy.role == Membership.Role.DEPUTY
    # Put back through the service; nothing already right is written again.
    acts = AuditEvent.objects.filter(action__startswith="membership.").order_by("id")
    assert list(acts.values_list("action", flat=True)) == ["membership.added"] * 3 + [
        "membership.changed"
    ]


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()
