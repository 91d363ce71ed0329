"""Reads about calls: who will be on a call, and which sectors will have nobody."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import Membership, Sector, User

from .models import Attendance, Call
from .permissions import audience_sector_ids


def people_on_call(call: Call) -> QuerySet[User]:
    """Those who will be on the call: each who said they will join, and each deputy named."""
    answers = Attendance.objects.filter(call=call)
    joining = answers.filter(answer=Attendance.Answer.JOINING).values("user")
    deputies = answers.filter(answer=Attendance.Answer.DEPUTY).values("deputy")
    return User.objects.filter(Q(pk__in=joining) | Q(pk__in=deputies), is_active=True)


def joining_count(call: Call) -> int:
    return people_on_call(call).count()


@dataclass
class SectorCoverage:
    sector: Sector
    on_call: list[User]
    cannot: list[User]
    not_answered: int


def coverage(call: Call) -> list[SectorCoverage]:
    """Per sector the call is for: who will be on it, who cannot join, and how many of its
    people have not answered."""
    on_call = set(people_on_call(call).values_list("pk", flat=True))
    answered = dict(Attendance.objects.filter(call=call).values_list("user", "answer"))
    people = {person.pk: person for person in User.objects.filter(memberships__isnull=False)}
    rows: dict[int, SectorCoverage] = {}
    sectors = Sector.objects.filter(pk__in=audience_sector_ids(call)).order_by("name")
    for sector in sectors:
        rows[sector.pk] = SectorCoverage(sector, [], [], 0)
    memberships = Membership.objects.filter(sector__in=rows, user__is_active=True).order_by(
        "user__name"
    )
    for sector_id, user_id in memberships.values_list("sector", "user"):
        row, person = rows[sector_id], people[user_id]
        if user_id in on_call:
            row.on_call.append(person)
        elif answered.get(user_id) == Attendance.Answer.CANNOT:
            row.cannot.append(person)
        elif user_id not in answered:
            row.not_answered += 1
    return list(rows.values())


def sectors_with_nobody(call: Call) -> list[Sector]:
    return [row.sector for row in coverage(call) if not row.on_call]
