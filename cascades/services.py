"""Writes of the cascades app: keeping a sector's contacts, cascading a bulletin, unsubscribing.

Each is one transaction that writes its audit row; a cascade writes its Alert there too and
queues it for the worker once it commits (no fan-out in the request).
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.audit import record_audit
from accounts.models import Sector, User
from alerts.models import Alert
from alerts.services import queue_alert
from bulletins.models import Bulletin, Marking

from .models import Cascade, CascadeRecipient, Contact
from .permissions import cascade_refusal

CONTACT_FIELDS = ("organisation", "name", "email", "phone", "public_list")
UNSUBSCRIBE_SALT = "cascades.unsubscribe"


def add_contact(
    sector: Sector, *, actor: User, request: HttpRequest | None = None, **fields
) -> Contact:
    with transaction.atomic():
        contact = Contact.objects.create(sector=sector, **fields)
        record_audit(
            "contact.added", actor=actor, target=contact, request=request,
            changes={"sector": sector.name, "email": contact.email},
        )  # fmt: skip
    return contact


def change_contact(
    contact: Contact, *, actor: User, request: HttpRequest | None = None, **fields
) -> Contact:
    changed = {
        key: [str(getattr(contact, key)), str(value)]
        for key, value in fields.items()
        if getattr(contact, key) != value
    }
    if not changed:
        return contact
    with transaction.atomic():
        for key, value in fields.items():
            setattr(contact, key, value)
        contact.save()
        record_audit(
            "contact.changed", actor=actor, target=contact, request=request,
            changes={"sector": contact.sector.name, "fields": sorted(changed)},
        )  # fmt: skip
    return contact


def remove_contact(contact: Contact, *, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        record_audit(
            "contact.removed", actor=actor, target=contact, request=request,
            changes={"sector": contact.sector.name, "email": contact.email},
        )  # fmt: skip
        contact.delete()


def import_contacts(
    sector: Sector, rows: list[dict], *, actor: User, filename: str = "",
    request: HttpRequest | None = None,
) -> dict[str, int]:  # fmt: skip
    """Add the rows' contacts to the sector, or update those whose address it already has.
    All or nothing: one transaction."""
    added = changed = 0
    with transaction.atomic():
        existing = {contact.email.lower(): contact for contact in sector.contacts.all()}
        for row in rows:
            contact = existing.get(row["email"].lower())
            if contact is None:
                Contact.objects.create(sector=sector, **row)
                added += 1
            elif any(getattr(contact, key) != value for key, value in row.items()):
                for key, value in row.items():
                    setattr(contact, key, value)
                contact.save()
                changed += 1
        record_audit(
            "contacts.imported", actor=actor, target=sector, request=request,
            changes={"filename": filename, "rows": len(rows), "added": added, "changed": changed},
        )  # fmt: skip
    return {"added": added, "changed": changed, "unchanged": len(rows) - added - changed}


def record_contacts_export(
    sector: Sector, *, actor: User, count: int, request: HttpRequest | None = None
) -> None:
    record_audit(
        "contacts.exported", actor=actor, target=sector, request=request, changes={"rows": count}
    )


def version_of(bulletin: Bulletin) -> int:
    """How many times the bulletin has been amended: 0 for the text as published."""
    return bulletin.revisions.count()


def eligible_contacts(bulletin: Bulletin, sector: Sector):
    """The sector's contacts this bulletin may go to now: subscribed ones, and for TLP:GREEN
    none that is a public list (GREEN never goes through a public channel)."""
    contacts = sector.contacts.filter(unsubscribed_at__isnull=True)
    if bulletin.marking == Marking.GREEN:
        contacts = contacts.filter(public_list=False)
    return contacts


def earlier_recipients(bulletin: Bulletin, sector: Sector):
    """The sector's contacts who got an earlier version of the bulletin and not yet this one."""
    version = version_of(bulletin)
    got_this = CascadeRecipient.objects.filter(bulletin=bulletin, version=version)
    return (
        eligible_contacts(bulletin, sector)
        .filter(cascaded__bulletin=bulletin, cascaded__version__lt=version)
        .exclude(pk__in=got_this.values("contact"))
        .distinct()
    )


def cascade_bulletin(
    bulletin: Bulletin, sector: Sector, *, actor: User, contact_ids: list[int] | None,
    correction: bool = False, request: HttpRequest | None = None,
) -> Cascade:  # fmt: skip
    """Pass the bulletin on to the chosen contacts of the sector (None: all of them), or, for a
    correction, to those who got an earlier version. The marking is checked here, whatever the
    view did; contacts who already got this version are not sent it again."""
    refusal = cascade_refusal(bulletin)
    if refusal:
        raise ValidationError(refusal, code="refused")
    version = version_of(bulletin)
    if correction:
        contacts = earlier_recipients(bulletin, sector)
    else:
        contacts = eligible_contacts(bulletin, sector)
        if contact_ids is not None:
            contacts = contacts.filter(pk__in=contact_ids)
    with transaction.atomic():
        note = ""
        if correction:
            latest = bulletin.revisions.order_by("-revised_at", "-pk").first()
            note = latest.what_changed if latest else ""
        alert = Alert.objects.create(kind=Alert.Kind.BULLETIN_CASCADE, created_by=actor, note=note)
        cascade = Cascade.objects.create(
            alert=alert, bulletin=bulletin, sector=sector, sent_by=actor, version=version,
            correction=correction,
        )  # fmt: skip
        CascadeRecipient.objects.bulk_create(
            [
                CascadeRecipient(cascade=cascade, bulletin=bulletin, version=version, contact_id=pk)
                for pk in contacts.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        count = cascade.recipients.count()
        if not count:
            raise ValidationError(
                "None of the chosen organisations can be sent it: they have it already, or "
                "have unsubscribed.",
                code="nobody",
            )
        record_audit(
            "bulletin.cascaded", actor=actor, target=bulletin, request=request,
            changes={"sector": sector.name, "organisations": count, "correction_sent": correction,
                     "alert": alert.pk},
        )  # fmt: skip
        queue_alert(alert)
    return cascade


def unsubscribe_token(contact: Contact) -> str:
    return signing.dumps(contact.pk, salt=UNSUBSCRIBE_SALT)


def contact_for_token(token: str) -> Contact | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Contact.objects.select_related("sector").filter(pk=pk).first()


def unsubscribe(contact: Contact) -> bool:
    """The contact wants no more cascades; True the first time. Audited with no actor: a contact
    never signs in."""
    with transaction.atomic():
        done = Contact.objects.filter(pk=contact.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        if done:
            record_audit(
                "contact.unsubscribed", actor=None, target=contact,
                actor_email=contact.email, changes={"sector": contact.sector.name},
            )  # fmt: skip
    return bool(done)
