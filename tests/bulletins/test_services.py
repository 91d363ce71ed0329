from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent, User
from alerts.models import Alert
from alerts.permissions import alert_audience
from bulletins import services
from bulletins.models import Bulletin, BulletinRevision, Marking, Reading
from bulletins.permissions import visible_bulletins
from tests.helpers import make_bulletin


def test_publishing_writes_exactly_one_alert_and_an_audit_row(ncpp_officer, retail, severe):
    draft = make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT, sectors=[retail])
    bulletin = services.publish_bulletin(draft, publisher=ncpp_officer)
    alerts = Alert.objects.filter(bulletin=bulletin)
    assert [alert.kind for alert in alerts] == [Alert.Kind.BULLETIN_PUBLISHED]
    assert bulletin.status == Bulletin.Status.PUBLISHED
    assert bulletin.reference.startswith(f"NCPP-{bulletin.published_at.year}-")
    assert bulletin.threat_level_at_publication == severe
    assert (
        AuditEvent.objects.filter(action="bulletin.published", object_id=str(bulletin.pk)).count()
        == 1
    )


def test_publishing_without_an_alert_writes_none_but_is_audited(ncpp_officer, retail):
    draft = make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT, sectors=[retail])
    services.publish_bulletin(draft, publisher=ncpp_officer, send_alert=False)
    assert not Alert.objects.exists()
    assert AuditEvent.objects.filter(action="bulletin.published_without_alert").count() == 1


def test_a_failed_publish_writes_no_alert_and_leaves_the_draft(ncpp_officer, retail):
    draft = make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT, sectors=[retail])
    with mock.patch.object(services, "record_audit", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            services.publish_bulletin(draft, publisher=ncpp_officer)
    assert not Alert.objects.exists()
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.DRAFT
    assert draft.reference is None


def test_a_draft_without_an_audience_cannot_be_published(ncpp_officer):
    draft = make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.publish_bulletin(draft, publisher=ncpp_officer)
    assert not Alert.objects.exists()


def test_publishing_twice_is_refused(ncpp_officer, retail):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    with pytest.raises(ValidationError):
        services.publish_bulletin(bulletin, publisher=ncpp_officer)


def test_a_reference_is_never_reused(ncpp_officer, retail):
    first = make_bulletin(ncpp_officer, sectors=[retail])
    services.withdraw_bulletin(first, reason="Wrong.", actor=ncpp_officer)
    first_reference = Bulletin.objects.get(pk=first.pk).reference
    Alert.objects.filter(bulletin=first).delete()
    Bulletin.objects.filter(pk=first.pk).delete()
    second = make_bulletin(ncpp_officer, sectors=[retail])
    third = make_bulletin(ncpp_officer, sectors=[retail])
    references = [first_reference, second.reference, third.reference]
    assert len(set(references)) == 3
    assert references == sorted(references)


def test_an_amendment_keeps_the_earlier_text_and_may_re_alert(ncpp_officer, retail):
    bulletin = make_bulletin(ncpp_officer, title="Old title", sectors=[retail])
    services.amend_bulletin(
        bulletin,
        title="New title",
        what_changed="Fixed the title.",
        realert=True,
        actor=ncpp_officer,
    )
    bulletin.refresh_from_db()
    assert bulletin.title == "New title"
    revision = BulletinRevision.objects.get(bulletin=bulletin)
    assert (revision.title, revision.what_changed) == ("Old title", "Fixed the title.")
    alert = Alert.objects.get(bulletin=bulletin)
    assert (alert.kind, alert.note) == (Alert.Kind.BULLETIN_AMENDED, "Fixed the title.")
    assert AuditEvent.objects.filter(action="bulletin.amended").count() == 1


def test_an_amendment_without_re_alert_writes_no_alert(ncpp_officer, retail):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    services.amend_bulletin(
        bulletin, body="More.", what_changed="More.", realert=False, actor=ncpp_officer
    )
    assert not Alert.objects.exists()


def test_withdrawing_alerts_with_the_reason(ncpp_officer, retail, isl):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    services.withdraw_bulletin(bulletin, reason="Superseded by events.", actor=ncpp_officer)
    alert = Alert.objects.get(bulletin=bulletin)
    assert (alert.kind, alert.note) == (Alert.Kind.BULLETIN_WITHDRAWN, "Superseded by events.")
    assert visible_bulletins(isl).filter(pk=bulletin.pk).exists()
    assert AuditEvent.objects.filter(action="bulletin.withdrawn").count() == 1


def test_superseding_makes_a_draft_that_links_both_ways(ncpp_officer, retail):
    old = make_bulletin(ncpp_officer, sectors=[retail])
    newer = services.supersede_bulletin(old, author=ncpp_officer)
    assert newer.is_draft and newer.supersedes == old
    assert list(old.superseded_by.all()) == [newer]
    assert list(newer.sectors.all()) == [retail]


def test_the_alert_audience_is_the_members_of_the_chosen_sectors(
    ncpp_officer, retail, isl, other_isl, outsider
):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail], send_alert=True)
    alert = Alert.objects.get(bulletin=bulletin)
    people = User.objects.filter(is_active=True)
    assert list(alert_audience(alert, people)) == [isl]


def test_the_alert_audience_of_an_all_sectors_bulletin_is_every_isl_once(
    ncpp_officer, retail, transport, isl, other_isl, outsider
):
    other_isl.memberships.create(sector=retail)
    bulletin = make_bulletin(ncpp_officer, all_sectors=True, send_alert=True)
    alert = Alert.objects.get(bulletin=bulletin)
    audience = alert_audience(alert, User.objects.filter(is_active=True))
    assert sorted(audience.values_list("pk", flat=True)) == sorted([isl.pk, other_isl.pk])


def test_a_reminder_skips_people_who_acknowledged(ncpp_officer, retail, isl):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail], action_required=True)
    reminder = Alert.objects.create(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER, bulletin=bulletin)
    people = User.objects.filter(is_active=True)
    assert list(alert_audience(reminder, people)) == [isl]
    services.acknowledge_bulletin(bulletin, isl)
    assert list(alert_audience(reminder, people)) == []


@pytest.mark.parametrize(
    "marking, emailed",
    [(Marking.CLEAR, True), (Marking.GREEN, True), (Marking.AMBER, False),
     (Marking.AMBER_STRICT, False), (Marking.RED, False)],
)  # fmt: skip
def test_only_clear_and_green_content_may_be_emailed(marking, emailed):
    assert Bulletin(marking=marking).content_may_be_emailed is emailed


def test_reading_acknowledging_and_cascading_are_recorded_once(ncpp_officer, retail, isl):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    services.record_reading(bulletin, isl)
    first = Reading.objects.get().first_read_at
    services.record_reading(bulletin, isl)
    assert Reading.objects.get().first_read_at == first
    services.acknowledge_bulletin(bulletin, isl)
    services.record_cascade(bulletin, isl, count=12)
    reading = Reading.objects.get()
    assert reading.acknowledged_at and reading.cascaded_at and reading.cascade_count == 12


def test_drafts_are_for_staff_only(ncpp_officer, isl, retail):
    draft = make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT, sectors=[retail])
    assert draft in visible_bulletins(ncpp_officer)
    assert draft not in visible_bulletins(isl)
