"""Pages for bulletins: reading (ISLs and staff) and writing (NCPP staff).

Every bulletin is fetched through permissions.visible_bulletins, so a person who may not
see one gets 404 whichever page, file or export they ask for.
"""

import csv
import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.audit import record_audit
from accounts.models import User
from portal.access import require, signed_in
from portal.csv_safety import spreadsheet_safe
from portal.pagination import CachedCountPaginator, PageWithTotalPaginator, paginate
from threat_levels.selectors import entry_for

from . import kept, services
from .attachments import check_upload
from .changes import earlier_versions
from .forms import (
    NO_CASCADE,
    AmendForm,
    BulletinForm,
    CascadeForm,
    FilterForm,
    PasteForm,
    PublishForm,
    WithdrawForm,
)
from .importing import ImportRefused, held, import_source
from .importing import limits as import_limits
from .models import Attachment, Bulletin, Reading
from .permissions import (
    bulletin_audience,
    can_write_bulletins,
    reader_audience,
    visible_bulletins,
)
from .search import search_bulletins, suggest_words
from .selectors import readership

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# The list and search pages link more pages either side of the current one than the others.
PAGE_LINKS = {"on_each_side": 3, "on_ends": 2}
# The list and search pages show a row per bulletin: the wide columns stay in the database.
LIST_DEFERRED = ("body", "search_vector", "key_points", "withdrawn_reason")


def _visible(request: HttpRequest, pk: int, *related: str) -> Bulletin:
    """The bulletin, if the person may see it; 404 otherwise, whether or not it exists."""
    bulletins = visible_bulletins(request.user)
    if related:
        bulletins = bulletins.select_related(*related)
    return get_object_or_404(bulletins, pk=pk)


def _page(request: HttpRequest, items, audience: tuple) -> dict:
    # A total depends on the query, and on the bulletins and who is asking: any change to
    # a bulletin replaces the version (bulletins/kept.py), and the audience is in the stamp.
    return paginate(
        request,
        items,
        PAGE_SIZE,
        paginator_class=CachedCountPaginator,
        stamp=(kept.version(), audience),
        **PAGE_LINKS,
    )


def _filtered(request: HttpRequest, form: FilterForm, audience: tuple) -> QuerySet[Bulletin]:
    bulletins = visible_bulletins(request.user, audience)
    if not form.is_valid():
        return bulletins
    data = form.cleaned_data
    if data["sector"]:
        for_sector = Bulletin.sectors.through.objects.filter(
            bulletin=OuterRef("pk"), sector=data["sector"]
        )
        bulletins = bulletins.filter(Q(all_sectors=True) | Q(Exists(for_sector)))
    if data["marking"]:
        bulletins = bulletins.filter(marking=data["marking"])
    if data["status"]:
        bulletins = bulletins.filter(status=data["status"])
    if data["published_from"]:
        bulletins = bulletins.filter(published_at__date__gte=data["published_from"])
    if data["published_to"]:
        bulletins = bulletins.filter(published_at__date__lte=data["published_to"])
    return bulletins


# --- Reading ------------------------------------------------------------------------------------


@require(signed_in)
@require_safe
def bulletin_list(request: HttpRequest) -> HttpResponse:
    audience = reader_audience(request.user)

    def results() -> dict:
        form = FilterForm(request.GET or None, staff=audience == ("staff",))
        if form.is_bound and not form.is_valid():
            # The problem is shown above the filters ("from" after "to", not a real date),
            # not a list that ignores them or an empty one.
            return {"form": form, "page_obj": None}
        bulletins = (
            _filtered(request, form, audience).defer(*LIST_DEFERRED).prefetch_related("sectors")
        )
        return {"form": form, **_page(request, bulletins, audience)}

    shown = kept.kept_results(request, audience, "bulletins/_list_results.html", results)
    return render(request, "bulletins/list.html", {"results": shown})


@require(signed_in)
@require_safe
def bulletin_search(request: HttpRequest) -> HttpResponse:
    audience = reader_audience(request.user)
    form = FilterForm(request.GET or None, staff=audience == ("staff",))
    words = form.cleaned_data["q"] if form.is_valid() else ""

    def results() -> dict:
        pages = {"page_obj": None, "page_range": None}
        suggestion = None
        if words:
            # Narrowed to what the person may see before any matching is done.
            bulletins = _filtered(request, form, audience)
            matches = (
                search_bulletins(bulletins, words).defer(*LIST_DEFERRED).prefetch_related("sectors")
            )
            # Ranking looks at every match before it returns the best 20, so the total is
            # counted in that same pass (portal/pagination.py).
            pages = paginate(
                request, matches, PAGE_SIZE, paginator_class=PageWithTotalPaginator, **PAGE_LINKS
            )
            if not pages["page_obj"].paginator.count:
                suggestion = suggest_words(bulletins, words)
        return {"form": form, "words": words, "suggestion": suggestion, **pages}

    shown = kept.kept_results(request, audience, "bulletins/_search_results.html", results)
    return render(request, "bulletins/search.html", {"words": words, "results": shown})


def _linked(
    request: HttpRequest, bulletin: Bulletin, audience: tuple | None, has_successors: bool
) -> tuple[Bulletin | None, list[Bulletin]]:
    """The bulletin this one supersedes, and the published ones superseding it, that the person
    may see. A link to one they may not see is left out, leaving no trace of it on the page."""
    if bulletin.supersedes_id is None and not has_successors:
        return None, []
    links = Q(supersedes=bulletin) & ~Q(status=Bulletin.Status.DRAFT)
    if bulletin.supersedes_id is not None:
        links |= Q(pk=bulletin.supersedes_id)
    found = list(
        visible_bulletins(request.user, audience)
        .filter(links)
        .only("pk", "reference", "title", "status", "supersedes_id")
    )
    older = next((other for other in found if other.pk == bulletin.supersedes_id), None)
    return older, [other for other in found if other.supersedes_id == bulletin.pk]


def _detail_context(
    request: HttpRequest, bulletin: Bulletin, audience: tuple | None = None
) -> dict:
    """The bulletin's part of its page: its own part, kept once rendered (bulletins/kept.py),
    with the links to other bulletins that this person may see put in."""
    levels = entry_for(request)["levels"]
    national = next((level for level in levels if level.scope_slug == "national"), None)

    def article() -> dict:
        at_publication = bulletin.threat_level_at_publication
        return {
            "bulletin": bulletin,
            "sectors": list(bulletin.sectors.all()),
            "attachments": list(bulletin.attachments.all()),
            "revision_count": bulletin.revisions.count(),
            "has_successors": bulletin.superseded_by.exclude(status=Bulletin.Status.DRAFT).exists(),
            "level_now": national,
            "level_changed": (
                national is not None
                and at_publication is not None
                and national.change_id != at_publication.pk
            ),
        }

    (top, middle, rest), has_successors = kept.kept_article(bulletin, national, article)
    supersedes, superseded_by = _linked(request, bulletin, audience, has_successors)
    if superseded_by:
        top += render_to_string("bulletins/_superseded_by.html", {"superseded_by": superseded_by})
    if supersedes is not None:
        middle += render_to_string("bulletins/_supersedes.html", {"supersedes": supersedes})
    # Joined from rendered, escaped templates.
    return {"bulletin": bulletin, "article": mark_safe(top + middle + rest)}  # noqa: S308


@require(signed_in)
@require_safe
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audience = reader_audience(request.user)
    # Only the bulletin's own row: what else its part of the page shows (the level when it was
    # published, its sectors and files) is read when that part is rendered, which is once per
    # change to the bulletins (bulletins/kept.py). Links to other bulletins are read for
    # each person, and only when there is one to make (_linked).
    # The person's own reading comes with it, in the same query: at most one row per person.
    mine = FilteredRelation("readings", condition=Q(readings__user=request.user))
    bulletin = get_object_or_404(
        visible_bulletins(request.user, audience)
        .defer("search_vector")
        .annotate(
            mine=mine,
            my_reading=F("mine__pk"),
            my_acknowledged_at=F("mine__acknowledged_at"),
            my_cascaded_at=F("mine__cascaded_at"),
            my_cascade_count=F("mine__cascade_count"),
        ),
        pk=pk,
    )
    context = _detail_context(request, bulletin, audience)
    reading = None
    if bulletin.my_reading is None:
        services.record_reading(bulletin, request.user)
    else:
        reading = Reading(
            pk=bulletin.my_reading,
            bulletin=bulletin,
            user=request.user,
            acknowledged_at=bulletin.my_acknowledged_at,
            cascaded_at=bulletin.my_cascaded_at,
            cascade_count=bulletin.my_cascade_count,
        )
    context["reading"] = reading
    context["may_write"] = can_write_bulletins(request.user)
    if bulletin.is_draft:
        context["may_acknowledge"] = False
    elif audience[0] == "sectors":
        # Outside staff, whoever may see a published bulletin is in its audience.
        context["may_acknowledge"] = True
    else:
        people = User.objects.filter(pk=request.user.pk)
        context["may_acknowledge"] = bulletin_audience(bulletin, people).exists()
    context.update(_cascade_context(bulletin))
    return render(request, "bulletins/detail.html", context)


def _cascade_context(bulletin: Bulletin, form: CascadeForm | None = None) -> dict:
    """The cascade question in the words of the bulletin's marking, or, for a marking that is
    not passed on, the sentence saying so."""
    if not services.may_be_cascaded(bulletin):
        return {"cascade_form": None, "no_cascade": NO_CASCADE[bulletin.marking]}
    return {"cascade_form": form or CascadeForm(marking=bulletin.marking), "no_cascade": ""}


@require(signed_in)
@require_safe
def bulletin_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    revisions = list(bulletin.revisions.select_related("revised_by"))
    return render(
        request,
        "bulletins/revisions.html",
        {"bulletin": bulletin, "versions": earlier_versions(bulletin, revisions)},
    )


@require(signed_in)
@require_safe
def bulletin_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    bulletin = _visible(request, pk)
    attachment = get_object_or_404(Attachment, bulletin=bulletin, pk=attachment_pk)
    record_audit(
        "bulletin.attachment_downloaded",
        actor=request.user,
        target=bulletin,
        # Its id, not its name: the name is for the bulletin's readers only.
        changes={"reference": bulletin.reference, "attachment": attachment.pk},
        request=request,
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require(signed_in)
@require_POST
def bulletin_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """An "I have read this": an acknowledgement only, never a cascade."""
    bulletin = _visible(request, pk)
    try:
        services.acknowledge_bulletin(bulletin, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You have acknowledged {bulletin.reference}.")
    return redirect(bulletin)


@require(signed_in)
@require_POST
def bulletin_cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """How many the person passed it on to: a cascade only, never an acknowledgement. A marking
    that is not passed on (AMBER+STRICT, RED) is refused, whatever was posted."""
    bulletin = _visible(request, pk)
    form = None
    if services.may_be_cascaded(bulletin):
        form = CascadeForm(request.POST, marking=bulletin.marking)
        if form.is_valid():
            count = form.cleaned_data["count"]
            try:
                services.record_cascade(bulletin, request.user, count=count)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                who = "organisation" if count == 1 else "organisations"
                if bulletin.marking == Bulletin.Marking.AMBER:
                    who = "person or organisation" if count == 1 else "people or organisations"
                messages.success(request, f"Recorded: you passed it on to {count} {who}.")
            return redirect(bulletin)
    context = _detail_context(request, bulletin)
    context.update(
        reading=Reading.objects.filter(bulletin=bulletin, user=request.user).first(),
        may_acknowledge=True,
        **_cascade_context(bulletin, form),
    )
    if form is None:
        context["cascade_refused"] = services.NOT_PASSED_ON.format(marking=bulletin.marking)
    return render(request, "bulletins/detail.html", context, status=400)


# --- Writing (NCPP staff) -----------------------------------------------------------------------


@require(can_write_bulletins)
@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_new(request: HttpRequest) -> HttpResponse:
    # No marking is chosen for the writer: each bulletin's marking is a deliberate choice.
    form = BulletinForm(request.POST or None, request.FILES or None, initial={"audience": "all"})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            bulletin = services.create_draft(author=request.user, **form.service_fields())
            attached = _attach(form, bulletin, request.user)
        messages.success(request, f"The draft is saved{attached}. Only NCPP staff can see it.")
        return redirect("bulletin_edit", pk=bulletin.pk)
    return render(request, "bulletins/edit.html", {"form": form, "bulletin": None})


@require(can_write_bulletins)
@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_paste(request: HttpRequest) -> HttpResponse:
    """Import an update (pasted, or a .docx, .eml or .msg file): a check page with the source
    beside the proposed draft, which the officer edits and saves. Nothing is saved before."""
    if request.method == "POST" and "import_token" in request.POST:
        return _save_import(request)
    form = PasteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = import_source(**form.source())
        except ImportRefused as refusal:
            form.add_error("upload" if form.cleaned_data.get("upload") else "text", str(refusal))
        else:
            review = held.hold(result, request.user.pk)
            draft = result.draft
            initial = {
                "title": draft.title,
                "summary": draft.summary,
                "source_line": draft.source_line,
                "key_points": "\n".join(draft.key_points),
                "body": draft.body,
                "audience": "all",
            }
            return render(
                request,
                "bulletins/import_check.html",
                {"form": BulletinForm(initial=initial), "review": review},
            )
    return render(request, "bulletins/paste.html", {"form": form, "limits": import_limits})


def _save_import(request: HttpRequest) -> HttpResponse:
    """The checked draft saved, with the offered attachments the officer kept ticked."""
    review = held.review_for(request.POST["import_token"], request.user.pk)
    if review is None:
        messages.error(request, "That import is no longer held: import the update again.")
        return redirect("bulletin_paste")
    form = BulletinForm(request.POST, request.FILES)
    chosen = []
    for upload in held.chosen_files(review, request.POST.getlist("offered")):
        # Checked when offered, and again as it is attached, as any upload is.
        try:
            chosen.append((upload, check_upload(upload)))
        except ValidationError as error:
            form.add_error(None, f"{upload.name}: {' '.join(error.messages)}")
    if form.is_valid():
        with transaction.atomic():
            bulletin = services.create_draft(author=request.user, **form.service_fields())
            attached = [a.filename for a in _attachments_of(form, bulletin, request.user)]
            for upload, file_type in chosen:
                attached.append(
                    services.add_attachment(
                        bulletin, upload, file_type, uploaded_by=request.user
                    ).filename
                )
        held.release(review["token"])
        words = f", with {' and '.join(attached)} attached" if attached else ""
        messages.success(request, f"The draft is saved{words}. Only NCPP staff can see it.")
        return redirect("bulletin_edit", pk=bulletin.pk)
    chosen_numbers = request.POST.getlist("offered")
    return render(
        request,
        "bulletins/import_check.html",
        {"form": form, "review": review, "chosen": chosen_numbers},
    )


def _attachments_of(form: BulletinForm, bulletin: Bulletin, user: User) -> list[Attachment]:
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return []
    return [services.add_attachment(bulletin, upload, form.attachment_type, uploaded_by=user)]


@require(can_write_bulletins)
@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    if not bulletin.is_draft:
        messages.info(request, "This bulletin is published: amend it instead.")
        return redirect("bulletin_amend", pk=bulletin.pk)
    form = BulletinForm(
        request.POST or None, request.FILES or None, initial=BulletinForm.initial_for(bulletin)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_draft(bulletin, **form.service_fields())
                attached = _attach(form, bulletin, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The draft is saved{attached}.")
            return redirect("bulletin_edit", pk=bulletin.pk)
    return render(
        request,
        "bulletins/edit.html",
        {
            "form": form,
            "bulletin": bulletin,
            "attachments": bulletin.attachments.all(),
        },
    )


def _attach(form: BulletinForm, bulletin: Bulletin, user: User) -> str:
    """Attach the file chosen in the draft's form, if any; words for the saved message."""
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return ""
    attachment = services.add_attachment(bulletin, upload, form.attachment_type, uploaded_by=user)
    return f", with {attachment.filename} attached"


@require(can_write_bulletins)
@require_safe
def bulletin_preview(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk, "threat_level_at_publication")
    context = _detail_context(request, bulletin)
    context.update(preview=True, may_write=False, may_acknowledge=False)
    return render(request, "bulletins/detail.html", context)


def _audience_size(bulletin: Bulletin) -> int:
    """Everyone an amendment or withdrawal emails: those go at once, digest or not."""
    return bulletin_audience(bulletin, User.objects.filter(is_active=True)).count()


def _who_is_emailed(bulletin: Bulletin) -> dict:
    """How many people the publish emails at once, how many read it in tomorrow morning's
    digest instead (routine bulletins only), and the chosen sectors with nobody in them."""
    audience = bulletin_audience(bulletin, User.objects.filter(is_active=True))
    in_digest = 0 if bulletin.action_required else audience.filter(routine_alerts="digest").count()
    empty = [] if bulletin.all_sectors else [
        sector.name
        for sector in bulletin.sectors.annotate(
            active=Count("memberships", filter=Q(memberships__user__is_active=True))
        ).order_by("name")
        if not sector.active
    ]  # fmt: skip
    total = audience.count()
    return {"audience_size": total, "emailed_now": total - in_digest, "in_digest": in_digest,
            "empty_sectors": empty}  # fmt: skip


@require(can_write_bulletins)
@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_publish(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    if not bulletin.is_draft:
        messages.info(request, f"{bulletin.reference} is already published.")
        return redirect(bulletin)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        send_alert = form.cleaned_data["alert"] == "yes"
        try:
            bulletin = services.publish_bulletin(
                bulletin, publisher=request.user, send_alert=send_alert, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if send_alert:
                messages.success(
                    request,
                    f"{bulletin.reference} is published. Everyone it is for will be emailed.",
                )
            else:
                messages.success(request, f"{bulletin.reference} is published. Nobody is emailed.")
            return redirect(bulletin)
    return render(
        request,
        "bulletins/publish.html",
        {
            "form": form,
            "bulletin": bulletin,
            "sectors": list(bulletin.sectors.all()),
            **_who_is_emailed(bulletin),
        },
    )


@require(can_write_bulletins)
@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_amend(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    if bulletin.status != Bulletin.Status.PUBLISHED:
        messages.info(request, "Only a published bulletin can be amended.")
        return redirect(bulletin)
    form = AmendForm(request.POST or None, initial=AmendForm.initial_for(bulletin))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        what_changed = data.pop("what_changed")
        realert = data.pop("realert")
        try:
            services.amend_bulletin(
                bulletin,
                what_changed=what_changed,
                realert=realert,
                actor=request.user,
                request=request,
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{bulletin.reference} is amended."
                + (" Everyone it is for will be emailed." if realert else " Nobody is emailed."),
            )
            return redirect(bulletin)
    return render(
        request,
        "bulletins/amend.html",
        {"form": form, "bulletin": bulletin, "audience_size": _audience_size(bulletin)},
    )


@require(can_write_bulletins)
@require_http_methods(["GET", "HEAD", "POST"])
def bulletin_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    if bulletin.status != Bulletin.Status.PUBLISHED:
        messages.info(request, "Only a published bulletin can be withdrawn.")
        return redirect(bulletin)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_bulletin(
                bulletin, reason=form.cleaned_data["reason"], actor=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{bulletin.reference} is withdrawn.")
            return redirect(bulletin)
    return render(
        request,
        "bulletins/withdraw.html",
        {"form": form, "bulletin": bulletin, "audience_size": _audience_size(bulletin)},
    )


@require(can_write_bulletins)
@require_POST
def bulletin_supersede(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    try:
        newer = services.supersede_bulletin(bulletin, author=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(bulletin)
    messages.success(request, f"A new draft that supersedes {bulletin.reference} is ready to edit.")
    return redirect("bulletin_edit", pk=newer.pk)


# --- Readership (NCPP staff) --------------------------------------------------------------------


@require(can_write_bulletins)
@require_safe
def bulletin_readership(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    # Markings that are never passed on have no cascade to report (NO_CASCADE says why).
    cascade = {"may_be_cascaded": services.may_be_cascaded(bulletin),
               "no_cascade": NO_CASCADE.get(bulletin.marking, "")}  # fmt: skip
    return render(
        request,
        "bulletins/readership.html",
        {"bulletin": bulletin, **readership(bulletin), **cascade},
    )


def _csv_cell(value) -> str:
    """A cell as text a spreadsheet will not run as a formula; a moment in UK time."""
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).isoformat()
    return spreadsheet_safe(value)


@require(can_write_bulletins)
@require_safe
def bulletin_readership_csv(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _visible(request, pk)
    report = readership(bulletin)
    record_audit(
        "bulletin.exported",
        actor=request.user,
        target=bulletin,
        changes={"export": "readership", "rows": report["audience"]},
        request=request,
    )
    name = (bulletin.reference or f"draft-{bulletin.pk}").lower()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-readership.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(
        ["email", "name", "organisation", "sectors", "first_read_at", "acknowledged_at",
         "cascaded_at", "cascade_count"]
    )  # fmt: skip
    for row in report["rows"]:
        person = row["person"]
        writer.writerow(
            _csv_cell(value)
            for value in (
                person.email,
                person.name,
                person.organisation,
                "; ".join(sector.name for sector in row["sectors"]),
                row["first_read_at"],
                row["acknowledged_at"],
                row["cascaded_at"],
                row["cascade_count"],
            )
        )
    return response
