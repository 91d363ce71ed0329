"""Portal admins' pages: sectors, people, coverage, imports, invitations and the audit log.

Every view is for portal admins only. Views check input and call the functions in
services.py, imports.py and invitations.py, which make each change and its audit row.
"""

import csv
import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal.access import require
from portal.csv_safety import spreadsheet_safe
from portal.pagination import paginate

from .audit import in_words, record_audit, rows_for_reader
from .imports import MAX_BYTES, ImportPreview, apply_membership_import, parse_membership_csv
from .invitations import SectorRole, create_invitation, resend_invitation, revoke_invitation
from .manage_forms import (
    AddMemberForm,
    AuditFilterForm,
    ImportForm,
    InvitationForm,
    PersonSearchForm,
    RoleForm,
    SectorForm,
)
from .models import AuditEvent, Invitation, Membership, Sector, User
from .permissions import is_portal_admin
from .services import (
    add_member,
    change_member_role,
    create_sector,
    deactivate_person,
    remove_member,
    rename_sector,
)

PAGE_SIZE = 50
DORMANT_AFTER = timedelta(days=90)
IMPORT_SESSION_KEY = "manage_import"
ROSTER_HEADINGS = {
    Membership.Role.LEAD: "Leads",
    Membership.Role.DEPUTY: "Deputies",
    Membership.Role.MEMBER: "Members",
}

admin_only = require(is_portal_admin)
# Pages that show a form or a confirmation on GET and act on POST.
form_methods = require_http_methods(["GET", "HEAD", "POST"])


def _paginate(request: HttpRequest, queryset: QuerySet) -> dict[str, Any]:
    return paginate(request, queryset, PAGE_SIZE)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Overview -------------------------------------------------------------


@admin_only
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "manage/index.html", {"section": "index"})


# --- Sectors and their rosters ----------------------------------------------


def _sectors_with_counts() -> QuerySet[Sector]:
    def active(role: str) -> Count:
        return Count(
            "memberships",
            filter=Q(memberships__role=role, memberships__user__is_active=True),
        )

    return Sector.objects.annotate(
        lead_count=active(Membership.Role.LEAD),
        deputy_count=active(Membership.Role.DEPUTY),
        member_count=active(Membership.Role.MEMBER),
    )


@admin_only
@require_safe
def sector_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "manage/sector_list.html",
        {"section": "sectors", "sectors": list(_sectors_with_counts())},
    )


@admin_only
@form_methods
def sector_new(request: HttpRequest) -> HttpResponse:
    form = SectorForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            sector = create_sector(
                name=form.cleaned_data["name"], actor=request.user, request=request
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, f"{sector.name} is added. Add its people below.")
            return redirect("manage_sector", slug=sector.slug)
    return render(request, "manage/sector_new.html", {"section": "sectors", "form": form})


@admin_only
@form_methods
def sector_rename(request: HttpRequest, slug: str) -> HttpResponse:
    sector = get_object_or_404(Sector, slug=slug)
    form = SectorForm(
        request.POST if request.method == "POST" else None, initial={"name": sector.name}
    )
    if form.is_bound and form.is_valid():
        old = sector.name
        try:
            sector = rename_sector(
                sector, name=form.cleaned_data["name"], actor=request.user, request=request
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, f"{old} is now called {sector.name}.")
            return redirect("manage_sector", slug=sector.slug)
    return render(
        request,
        "manage/sector_rename.html",
        {"section": "sectors", "form": form, "sector": sector},
    )


def _render_sector(
    request: HttpRequest, sector: Sector, form: AddMemberForm | None = None
) -> HttpResponse:
    memberships = sector.memberships.select_related("user").order_by("user__name", "user__email")
    roster: dict[str, list[Membership]] = {role: [] for role in ROSTER_HEADINGS}
    for membership in memberships:
        roster[membership.role].append(membership)
    groups = [(heading, role, roster[role]) for role, heading in ROSTER_HEADINGS.items()]
    return render(
        request,
        "manage/sector_detail.html",
        {
            "section": "sectors",
            "sector": sector,
            "groups": groups,
            "roles": Membership.Role.choices,
            "form": form or AddMemberForm(),
        },
    )


@admin_only
@require_safe
def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_sector(request, get_object_or_404(Sector, slug=slug))


@admin_only
@require_POST
def sector_add_member(request: HttpRequest, slug: str) -> HttpResponse:
    sector = get_object_or_404(Sector, slug=slug)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            membership = add_member(
                user=form.person, sector=sector, role=form.cleaned_data["role"],
                actor=request.user, request=request,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                f"{membership.user} is now {membership.get_role_display().lower()} "
                f"of {sector.name}.",
            )
            return redirect("manage_sector", slug=sector.slug)
    return _render_sector(request, sector, form)


@admin_only
@require_POST
def membership_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("sector"), pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose lead, deputy or member.")
    else:
        try:
            membership = change_member_role(
                membership, role=form.cleaned_data["role"], actor=request.user, request=request
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                f"{membership.user} is now {membership.get_role_display().lower()} "
                f"of {membership.sector.name}.",
            )
    return redirect("manage_sector", slug=membership.sector.slug)


@admin_only
@form_methods
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "sector"), pk=membership_id
    )
    if request.method == "POST":
        try:
            remove_member(membership, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, f"{membership.user} is no longer in {membership.sector.name}."
            )
        return redirect("manage_sector", slug=membership.sector.slug)
    return render(
        request, "manage/membership_remove.html", {"section": "sectors", "membership": membership}
    )


# --- People ---------------------------------------------------------------


@admin_only
@require_safe
def people_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET)
    people = User.objects.prefetch_related(
        "groups", "memberships__sector"
    ).order_by("name", "email")  # fmt: skip
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return render(
        request,
        "manage/people_list.html",
        {"section": "people", "form": form, "query": query, **_paginate(request, people)},
    )


@admin_only
@require_safe
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User.objects.prefetch_related("groups"), pk=user_id)
    return render(
        request,
        "manage/person_detail.html",
        {
            "section": "people",
            "person": person,
            "memberships": person.memberships.select_related("sector").order_by("sector__name"),
            "invitations": Invitation.objects.filter(email=person.email).prefetch_related(
                "sectors__sector"
            ),
            "is_self": person.pk == request.user.pk,
        },
    )


@admin_only
@form_methods
def person_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    if request.method == "POST":
        try:
            deactivate_person(person, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                f"{person} is deactivated: they are signed out everywhere, cannot sign in, and "
                "hold no role or second factor. Invite them again if they come back.",
            )
        return redirect("manage_person", user_id=person.pk)
    return render(
        request,
        "manage/person_deactivate.html",
        {
            "section": "people",
            "person": person,
            "is_self": person.pk == request.user.pk,
            "groups": person.groups.order_by("name"),
            "memberships": person.memberships.select_related("sector").order_by("sector__name"),
        },
    )


# --- Coverage -------------------------------------------------------------


@admin_only
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    cutoff = timezone.now() - DORMANT_AFTER
    first_invited = (
        Invitation.objects.filter(email=OuterRef("email"))
        .order_by()
        .values("email")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    dormant = (
        User.objects.filter(is_active=True)
        .annotate(invited_at=Coalesce(Subquery(first_invited), "date_joined"))
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, invited_at__lt=cutoff))
        .prefetch_related("memberships__sector")
        .order_by("last_login", "name", "email")
    )
    leaderless = [sector for sector in _sectors_with_counts() if not sector.lead_count]
    return render(
        request,
        "manage/coverage.html",
        {"section": "coverage", "leaderless": leaderless, "dormant": dormant, "cutoff": cutoff},
    )


# --- Import ---------------------------------------------------------------


def _render_preview(
    request: HttpRequest, preview: ImportPreview, import_id: str = ""
) -> HttpResponse:
    return render(
        request,
        "manage/import_preview.html",
        {"section": "import", "preview": preview, "import_id": import_id},
    )


@admin_only
@form_methods
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        request.session.pop(IMPORT_SESSION_KEY, None)
        # Read no more than the limit plus one byte: enough to know the file is too big.
        preview = parse_membership_csv(upload.read(MAX_BYTES + 1))
        preview.filename = upload.name[:200]
        if preview.refusal:
            form.add_error("file", preview.refusal)
        elif not preview.is_valid:
            return _render_preview(request, preview)
        else:
            import_id = secrets.token_urlsafe(16)
            request.session[IMPORT_SESSION_KEY] = {"id": import_id, **preview.to_session()}
            return _render_preview(request, preview, import_id)
    return render(request, "manage/import_upload.html", {"section": "import", "form": form})


@admin_only
@require_POST
def import_apply(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("id") != request.POST.get("import_id"):
        messages.error(
            request,
            "That preview is no longer current: nothing was imported. Upload the file again.",
        )
        return redirect("manage_import")
    preview = ImportPreview.from_session(stored)
    try:
        summary = apply_membership_import(preview, actor=request.user, request=request)
    except ValidationError:
        # Re-checked against the database as it is now; show what changed since the upload.
        request.session.pop(IMPORT_SESSION_KEY, None)
        preview = ImportPreview.from_session(stored)
        if not preview.problems:
            preview.refusal = "The import could not be applied: nothing was imported."
        return _render_preview(request, preview)
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(
        request,
        f"Imported {preview.filename or 'the file'}: {summary['added']} added to sectors, "
        f"{summary['changed']} roles changed, {summary['invited']} invitations sent.",
    )
    return redirect("manage_import")


# --- Invitations ----------------------------------------------------------

INVITATION_STATUSES = ["pending", "expired", "accepted", "revoked"]


def _invitations_with_status(status: str) -> QuerySet[Invitation]:
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    filters = {
        "pending": open_ & Q(expires_at__gt=now),
        "expired": open_ & Q(expires_at__lte=now),
        "accepted": Q(accepted_at__isnull=False),
        "revoked": Q(revoked_at__isnull=False),
    }
    invitations = Invitation.objects.select_related("invited_by").prefetch_related(
        "sectors__sector"
    )
    return invitations.filter(filters[status]) if status in filters else invitations


@admin_only
@require_safe
def invitation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in INVITATION_STATUSES:
        status = ""
    return render(
        request,
        "manage/invitation_list.html",
        {
            "section": "invitations",
            "status": status,
            "statuses": INVITATION_STATUSES,
            **_paginate(request, _invitations_with_status(status)),
        },
    )


@admin_only
@form_methods
def invitation_new(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST) if request.method == "POST" else InvitationForm()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        is_isl = data["kind"] == Invitation.Kind.ISL
        try:
            invitation = create_invitation(
                email=data["email"],
                kind=data["kind"],
                invited_by=request.user,
                name=data["name"],
                organisation=data["organisation"],
                sectors=[SectorRole(sector, data["role"]) for sector in data["sectors"]]
                if is_isl
                else [],
                request=request,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("manage_invitations")
    return render(request, "manage/invitation_new.html", {"section": "invitations", "form": form})


@admin_only
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    try:
        resend_invitation(invitation, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            f"A new link is on its way to {invitation.email}; the old one has stopped working.",
        )
    return redirect("manage_invitations")


@admin_only
@form_methods
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.prefetch_related("sectors__sector"), pk=invitation_id
    )
    if request.method == "POST":
        try:
            revoke_invitation(invitation, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"The invitation for {invitation.email} is revoked.")
        return redirect("manage_invitations")
    return render(
        request,
        "manage/invitation_revoke.html",
        {"section": "invitations", "invitation": invitation},
    )


# --- Audit log ------------------------------------------------------------


def _filtered_events(form: AuditFilterForm) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-at", "-id")
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["person"]:
        person = data["person"].strip()
        as_key = Cast("pk", output_field=CharField())
        users = User.objects.filter(email__icontains=person).values_list(as_key)
        invitations = Invitation.objects.filter(email__icontains=person).values_list(as_key)
        events = events.filter(
            Q(actor_email__icontains=person)
            | Q(object_type="accounts.user", object_id__in=users)
            | Q(object_type="accounts.invitation", object_id__in=invitations)
            | Q(changes__user__icontains=person)
        )
    if data["action"]:
        events = events.filter(action=data["action"])
    tz = timezone.get_current_timezone()
    if data["date_from"]:
        events = events.filter(at__gte=datetime.combine(data["date_from"], time.min, tz))
    if data["date_to"]:
        day_after = data["date_to"] + timedelta(days=1)
        events = events.filter(at__lt=datetime.combine(day_after, time.min, tz))
    return events


@admin_only
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    pages = _paginate(request, _filtered_events(form))
    # A row about a bulletin the admin may not read is shown without its content.
    page = pages["page_obj"]
    page.object_list = in_words(rows_for_reader(page.object_list, request.user))
    return render(
        request,
        "manage/audit_log.html",
        {
            "section": "audit",
            "form": form,
            "filters": form.cleaned_data if form.is_bound and form.is_valid() else {},
            **pages,
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _audit_csv_rows(events: QuerySet[AuditEvent], reader: User) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(
        ["time (UTC)", "actor email", "action", "ip", "object type", "object id", "object",
         "changes"]
    )  # fmt: skip
    # As on the page: a row about a bulletin the admin may not read goes without its content.
    for event in rows_for_reader(events.iterator(chunk_size=2000), reader, batch_size=2000):
        yield writer.writerow(
            spreadsheet_safe(value)
            for value in (
                event.at.astimezone(UTC).isoformat(),
                event.actor_email,
                event.action,
                event.ip,
                event.object_type,
                event.object_id,
                event.object_repr,
                json.dumps(event.changes, sort_keys=True, ensure_ascii=False),
            )
        )


@admin_only
@require_POST
def audit_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the filters: the audit log was not downloaded.")
        return redirect("manage_audit")
    filters = {key: str(value) for key, value in form.cleaned_data.items() if value}
    with transaction.atomic():
        record_audit("audit.exported", actor=request.user, changes=filters, request=request)
    events = _filtered_events(form)
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(_audit_csv_rows(events, request.user), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
