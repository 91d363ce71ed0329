"""The reach report: its figures are the Delivery rows', and typed counts are shown apart."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from alerts.models import Delivery
from bulletins.models import Marking
from bulletins.services import acknowledge_bulletin, record_cascade, record_reading
from cascades.models import Contact
from cascades.selectors import reach
from cascades.services import cascade_bulletin
from tests.cascades.test_cascading import send_cascades
from tests.factories import MembershipFactory
from tests.helpers import make_bulletin, make_contacts, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def cascaded(isl, transport_lead, ncpp_officer, retail, transport, smtp_backend):
    """A CLEAR bulletin for all sectors: retail cascades to 5 (one refused by the mail server,
    one unsubscribed after), transport to 3; a retail deputy typed 40 for a cascade by hand."""
    deputy = make_person("deputy.retail@example.org", "Retail deputy")
    MembershipFactory(user=deputy, sector=retail, role=Membership.Role.DEPUTY)
    shops = make_contacts(retail, 5, prefix="shop")
    make_contacts(transport, 3, prefix="operator")
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, all_sectors=True)
    record_reading(bulletin, isl)
    acknowledge_bulletin(bulletin, isl)
    record_reading(bulletin, deputy)
    record_cascade(bulletin, deputy, count=40)
    smtp_backend.handler.script.refuse[shops[4].email] = "550 5.1.1 No such mailbox"
    cascade_bulletin(bulletin, retail, actor=isl, contact_ids=None)
    cascade_bulletin(bulletin, transport, actor=transport_lead, contact_ids=None)
    send_cascades()
    Contact.objects.filter(pk=shops[0].pk).update(unsubscribed_at=timezone.now())
    return bulletin


def test_the_figures_are_those_of_the_delivery_rows(cascaded, retail, transport):
    report = reach(cascaded)
    rows = {row["sector"].slug: row for row in report["sectors"]}
    for sector in (retail, transport):
        deliveries = Delivery.objects.filter(alert__cascade__sector=sector)
        assert rows[sector.slug]["delivered"] == deliveries.filter(status="sent").count()
        assert rows[sector.slug]["failed"] == deliveries.filter(status="failed-permanent").count()
    assert (rows["retail"]["delivered"], rows["retail"]["failed"]) == (4, 1)
    assert rows["retail"]["unsubscribed"] == 1
    assert (rows["transport"]["delivered"], rows["transport"]["failed"]) == (3, 0)
    assert rows["retail"]["cascaded_in_portal"] == 1
    assert (rows["retail"]["read"], rows["retail"]["acknowledged"]) == (2, 1)
    # What the deputy typed is kept apart, never added to the measured figures.
    assert (rows["retail"]["typed_isls"], rows["retail"]["typed_organisations"]) == (1, 40)
    totals = report["totals"]
    assert (totals["delivered"], totals["failed"], totals["unsubscribed"]) == (7, 1, 1)
    assert totals["cascaded_in_portal"] == 2 and totals["typed_organisations"] == 40


def test_staff_see_the_report_and_its_csv_and_isls_do_not(client, cascaded, ncpp_officer, isl):
    client.force_login(isl)
    assert client.get(reverse("cascade_reach", args=[cascaded.pk])).status_code == 403
    client.force_login(ncpp_officer)
    page = client.get(reverse("cascade_reach", args=[cascaded.pk])).content.decode()
    assert "Reported by ISLs, for cascades outside the portal" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("cascade_reach_csv", args=[cascaded.pk])).content.decode()
            )
        )
    )
    header, *sectors, total = rows
    assert header[:1] == ["sector"] and total[0] == "All sectors"
    by_sector = {row[0]: dict(zip(header, row, strict=True)) for row in sectors}
    assert (
        by_sector["Retail"]["delivered"] == "4"
        and by_sector["Retail"]["typed_organisations"] == "40"
    )
    assert dict(zip(header, total, strict=True))["delivered"] == "7"
    # The bulletin's "Who read it" page links to it with the network's figures.
    readership = client.get(reverse("bulletin_readership", args=[cascaded.pk])).content.decode()
    assert "Cascaded through the portal: 7 organisations delivered, 1 failed" in readership
