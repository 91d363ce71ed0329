"""Reads of bulletins shared by more than one page."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User

from .models import Acknowledgement, Bulletin


def with_reading(bulletins: QuerySet[Bulletin], user: User) -> QuerySet[Bulletin]:
    """Annotate whether `user` has read and acknowledged each bulletin, in the same query."""
    mine = Acknowledgement.objects.filter(bulletin=OuterRef("pk"), user=user)
    return bulletins.annotate(
        is_read=Exists(mine.filter(first_read_at__isnull=False)),
        is_acknowledged=Exists(mine.filter(acknowledged_at__isnull=False)),
    )
