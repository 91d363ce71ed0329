"""Sector contacts, and the cascades of bulletins to them.

A contact is an organisation of a sector that its ISLs pass briefings on to; it never signs in.
A cascade is an Alert (alerts/) with one Delivery per contact; `Cascade` says which bulletin,
sector and version it carried, and `CascadeRecipient` holds, in the database, that one version
of a bulletin reaches a contact once.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Sector
from alerts.models import Alert
from bulletins.models import Bulletin


class Contact(models.Model):
    """An organisation a sector's ISLs cascade briefings to."""

    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="contacts")
    organisation = models.CharField(max_length=200)
    name = models.CharField("Contact name", max_length=150)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=30, blank=True)
    # TLP:GREEN is shared within the community, never through a public channel.
    public_list = models.BooleanField(
        default=False, help_text="The address is a public mailing list or newsletter."
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "sector", Lower("email"), name="contact_one_address_per_sector"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.name})"

    @property
    def is_unsubscribed(self) -> bool:
        return self.unsubscribed_at is not None


class Cascade(models.Model):
    """One ISL's passing on of one bulletin to chosen contacts of one of their sectors."""

    alert = models.OneToOneField(
        Alert, on_delete=models.CASCADE, primary_key=True, related_name="cascade"
    )
    bulletin = models.ForeignKey(Bulletin, on_delete=models.PROTECT, related_name="cascades")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="cascades")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cascades_sent"
    )
    # How many amendments the bulletin had when it was sent: 0 for the text as published.
    version = models.PositiveIntegerField()
    correction = models.BooleanField(
        default=False, help_text="The amended text, sent to those who got an earlier version."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.bulletin} to {self.sector} by {self.sent_by}"


class CascadeRecipient(models.Model):
    """A contact chosen for a cascade. One version of a bulletin reaches a contact once."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="recipients")
    bulletin = models.ForeignKey(Bulletin, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="cascaded")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin", "version", "contact"], name="cascade_once_per_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} in {self.cascade}"
