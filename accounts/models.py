from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

NCPP_STAFF_GROUP = "NCPP staff"
PORTAL_ADMINS_GROUP = "Portal admins"


def normalise_email(email: str) -> str:
    """Email addresses are compared whole and case-blind: one person, one address."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A person needs an email address.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email=normalise_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address; there are no usernames."""

    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Off for people who have left: they can sign in to nothing."
    )
    is_staff = models.BooleanField(
        "Django admin access", default=False, help_text="Can sign in to Django's admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    routine_alerts = models.CharField(
        "routine bulletins by email",
        max_length=10,
        choices=[("immediate", "As each is published"), ("digest", "In one email each morning")],
        default="immediate",
        help_text=(
            "Threat-level changes, bulletins that ask for action, amendments and withdrawals "
            "always arrive at once."
        ),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


class Sector(models.Model):
    """An industry sector whose leads cascade briefings to its businesses."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's place in a sector, with their role on its roster."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        DEPUTY = "deputy", "Deputy"
        MEMBER = "member", "Member"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sector__name", "role", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sector"], name="membership_user_sector_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["lead", "deputy", "member"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.sector})"


class AuditEvent(models.Model):
    """One privileged or security-relevant act. Rows are only ever added.

    The actor's email and the object's description are copied in, so the record
    still reads correctly after people and objects change.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor_email = models.EmailField(blank=True)
    action = models.CharField(max_length=64, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_email or 'system'} {self.action}"


class Invitation(models.Model):
    """An invitation to join the portal, accepted once through a link sent by email.

    Only a hash of the link's token is stored: a copy of the database opens no accounts.
    """

    class Kind(models.TextChoices):
        ISL = "isl", "Industry Sector Lead"
        NCPP_STAFF = "ncpp_staff", "NCPP staff"
        PORTAL_ADMIN = "portal_admin", "Portal admin"

    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ISL)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["isl", "ncpp_staff", "portal_admin"]),
                name="invitation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class InvitationSector(models.Model):
    """A sector, and the role in it, that an ISL's invitation gives on acceptance."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="sectors")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "sector"], name="invitation_sector_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.sector}"
