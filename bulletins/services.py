"""Business rules that change several rows: each one transaction, with its audit row and alert."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import record_audit
from accounts.models import Sector, User
from threat_levels.models import ThreatLevelChange
from threat_levels.selectors import change_in_force

from .models import (
    Attachment,
    Bulletin,
    BulletinRevision,
    Marking,
    Reading,
    ReferenceCounter,
)
from .search import update_search_index
from .signals import bulletin_to_announce

# The markings that let a recipient pass a bulletin on (TLP 2.0): CLEAR to anyone, GREEN within
# the sector's community, AMBER on a need-to-know basis within their organisation and its
# clients. AMBER+STRICT stays within the recipient's own organisation and RED with the person.
CASCADE_MARKINGS = frozenset({Marking.CLEAR, Marking.GREEN, Marking.AMBER})
NOT_PASSED_ON = "{marking} bulletins are not passed on, so no cascade can be recorded."

# What an amendment may change; the marking and the audience stay as published.
AMENDABLE_FIELDS = (
    "title",
    "summary",
    "body",
    "key_points",
    "source_line",
    "valid_until",
    "action_required",
)
DRAFT_FIELDS = (
    *AMENDABLE_FIELDS,
    "marking",
    "all_sectors",
    "supersedes",
)


def national_level_at(moment: datetime) -> ThreatLevelChange | None:
    """The national scope's change in force at `moment`."""
    return change_in_force("national", moment)


def _announce(bulletin: Bulletin, event: str, *, actor: User, note: str = "") -> None:
    """Have the alerts app write this change's Alert, in the caller's transaction."""
    bulletin_to_announce.send(
        sender=Bulletin, bulletin=bulletin, event=event, actor=actor, note=note
    )


def allocate_reference(moment: datetime) -> str:
    """The next reference of the year of `moment`, e.g. NCPP-2015-0042. Call inside a transaction.

    The year's counter row is locked, so two publications never get the same number, and it
    only goes up, so a reference is never given twice, whatever becomes of its bulletin.
    """
    year = timezone.localtime(moment).year
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    while True:
        counter.last_number += 1
        reference = f"NCPP-{year}-{counter.last_number:04d}"
        if not Bulletin.objects.filter(reference=reference).exists():
            break
    counter.save(update_fields=["last_number"])
    return reference


def _check_draft_fields(fields: dict) -> None:
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a draft: {', '.join(sorted(unknown))}")


def create_draft(*, author: User, sectors: Iterable[Sector] = (), **fields) -> Bulletin:
    """A new draft; only NCPP staff see it until it is published."""
    _check_draft_fields(fields)
    with transaction.atomic():
        bulletin = Bulletin.objects.create(author=author, status=Bulletin.Status.DRAFT, **fields)
        bulletin.sectors.set(sectors)
        update_search_index(bulletin)
    return bulletin


def update_draft(
    bulletin: Bulletin, *, sectors: Iterable[Sector] | None = None, **fields
) -> Bulletin:
    _check_draft_fields(fields)
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if not bulletin.is_draft:
            raise ValidationError("This bulletin is published: amend it instead.", code="not_draft")
        for name, value in fields.items():
            setattr(bulletin, name, value)
        bulletin.save()
        if sectors is not None:
            bulletin.sectors.set(sectors)
        update_search_index(bulletin)
    return bulletin


def check_ready_to_publish(bulletin: Bulletin) -> None:
    if not bulletin.is_draft:
        raise ValidationError("Only a draft can be published.", code="not_draft")
    if not bulletin.title.strip() or not bulletin.summary.strip():
        raise ValidationError("A bulletin needs a title and a summary.", code="incomplete")
    if not bulletin.all_sectors and not bulletin.sectors.exists():
        raise ValidationError(
            "Choose who it is for: all sectors, or at least one sector.", code="no_audience"
        )


def publish_bulletin(
    bulletin: Bulletin,
    *,
    publisher: User,
    send_alert: bool = True,
    request: HttpRequest | None = None,
    published_at: datetime | None = None,
) -> Bulletin:
    """Publish a draft: its reference, the threat level in force, its alert and audit row.

    Without `send_alert` (a correction that needs no noise) no Alert is written. `published_at`
    is for loading history (demo data); it defaults to now.
    """
    moment = published_at or timezone.now()
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        check_ready_to_publish(bulletin)
        bulletin.reference = allocate_reference(moment)
        bulletin.status = Bulletin.Status.PUBLISHED
        bulletin.publisher = publisher
        bulletin.published_at = moment
        bulletin.threat_level_at_publication = national_level_at(moment)
        bulletin.save()
        update_search_index(bulletin)
        if send_alert:
            _announce(bulletin, "published", actor=publisher)
        record_audit(
            "bulletin.published" if send_alert else "bulletin.published_without_alert",
            actor=publisher,
            target=bulletin,
            changes={
                "reference": bulletin.reference,
                "marking": bulletin.marking,
                "audience": "all sectors"
                if bulletin.all_sectors
                else sorted(bulletin.sectors.values_list("slug", flat=True)),
                "alert": send_alert,
            },
            request=request,
        )
    return bulletin


def amend_bulletin(
    bulletin: Bulletin,
    *,
    what_changed: str,
    realert: bool,
    actor: User,
    request: HttpRequest | None = None,
    **changes,
) -> Bulletin:
    """Change a published bulletin, keeping its earlier text as a revision."""
    what_changed = what_changed.strip()
    if not what_changed:
        raise ValidationError("Say what changed.", code="no_note")
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise ValueError(f"An amendment cannot change: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.status != Bulletin.Status.PUBLISHED:
            raise ValidationError("Only a published bulletin can be amended.", code="not_published")
        revision = BulletinRevision.objects.create(
            bulletin=bulletin,
            **{name: getattr(bulletin, name) for name in AMENDABLE_FIELDS},
            what_changed=what_changed,
            revised_by=actor,
        )
        changed = sorted(
            name for name, value in changes.items() if getattr(bulletin, name) != value
        )
        for name, value in changes.items():
            setattr(bulletin, name, value)
        bulletin.save()
        update_search_index(bulletin)
        if realert:
            _announce(bulletin, "amended", actor=actor, note=what_changed)
        record_audit(
            "bulletin.amended",
            actor=actor,
            target=bulletin,
            # What changed stays with the revision, behind the bulletin's access rule.
            changes={
                "reference": bulletin.reference,
                "fields": changed,
                "revision": revision.pk,
                "alert": realert,
            },
            request=request,
        )
    return bulletin


def withdraw_bulletin(
    bulletin: Bulletin, *, reason: str, actor: User, request: HttpRequest | None = None
) -> Bulletin:
    """Withdraw a published bulletin: readers still find it, marked withdrawn, with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give the reason for withdrawing it.", code="no_reason")
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.status != Bulletin.Status.PUBLISHED:
            raise ValidationError(
                "Only a published bulletin can be withdrawn.", code="not_published"
            )
        bulletin.status = Bulletin.Status.WITHDRAWN
        bulletin.withdrawn_reason = reason
        bulletin.withdrawn_at = timezone.now()
        bulletin.save()
        _announce(bulletin, "withdrawn", actor=actor, note=reason)
        record_audit(
            "bulletin.withdrawn",
            actor=actor,
            target=bulletin,
            # The reason stays with the bulletin, behind its access rule.
            changes={"reference": bulletin.reference},
            request=request,
        )
    return bulletin


def supersede_bulletin(bulletin: Bulletin, *, author: User) -> Bulletin:
    """A new draft that replaces `bulletin` once published; it starts as a copy of it."""
    if bulletin.is_draft:
        raise ValidationError("A draft cannot be superseded: edit it.", code="draft")
    return create_draft(
        author=author,
        sectors=list(bulletin.sectors.all()),
        **{name: getattr(bulletin, name) for name in AMENDABLE_FIELDS},
        marking=bulletin.marking,
        all_sectors=bulletin.all_sectors,
        supersedes=bulletin,
    )


def record_reading(bulletin: Bulletin, user: User) -> None:
    """Note when a person first opened a published bulletin. One query, whatever happened before."""
    if bulletin.is_draft:
        return
    Reading.objects.bulk_create(
        [Reading(bulletin=bulletin, user=user, first_read_at=timezone.now())],
        ignore_conflicts=True,
    )


def _lock_reading(bulletin: Bulletin, user: User) -> Reading:
    """The person's reading of a published bulletin, locked for update; made if there is none."""
    if bulletin.is_draft:
        raise ValidationError("A draft cannot be acknowledged or passed on.", code="draft")
    reading, _ = Reading.objects.select_for_update().get_or_create(
        bulletin=bulletin, user=user, defaults={"first_read_at": timezone.now()}
    )
    return reading


def acknowledge_bulletin(bulletin: Bulletin, user: User) -> Reading:
    """A person's "I have read this". Acknowledging again changes nothing."""
    with transaction.atomic():
        reading = _lock_reading(bulletin, user)
        if reading.acknowledged_at is None:
            reading.acknowledged_at = timezone.now()
            reading.first_read_at = reading.first_read_at or reading.acknowledged_at
            reading.save()
    return reading


def may_be_cascaded(bulletin: Bulletin) -> bool:
    """Whether its marking lets a recipient pass it on, so that a cascade can be recorded."""
    return bulletin.marking in CASCADE_MARKINGS


def record_cascade(bulletin: Bulletin, user: User, *, count: int) -> Reading:
    """A person passed the bulletin on to `count` organisations (or, for TLP:AMBER, people or
    organisations with a need to know). It is not an acknowledgement: that is its own act."""
    if not may_be_cascaded(bulletin):
        raise ValidationError(NOT_PASSED_ON.format(marking=bulletin.marking), code="not_passed_on")
    if count < 0:
        raise ValidationError("The number of organisations cannot be negative.", code="negative")
    with transaction.atomic():
        reading = _lock_reading(bulletin, user)
        now = timezone.now()
        reading.first_read_at = reading.first_read_at or now
        reading.cascaded_at = now
        reading.cascade_count = count
        reading.save()
    return reading


def add_attachment(bulletin: Bulletin, upload, file_type, *, uploaded_by: User) -> Attachment:
    """Store a checked upload under a random name, keeping its original name made safe."""
    from .attachments import safe_filename, stored_name

    upload.seek(0)
    attachment = Attachment(
        bulletin=bulletin,
        filename=safe_filename(upload.name or "", file_type),
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=uploaded_by,
    )
    attachment.file.save(f"{bulletin.pk}/{stored_name(file_type)}", upload, save=False)
    attachment.save()
    return attachment
