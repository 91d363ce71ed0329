"""Pages for sector contacts, cascading a bulletin to them, its reach, and unsubscribing.

A sector's list is fetched through permissions.kept_sectors, so a person who does not keep it
gets 404 by every route; a bulletin through the bulletins' own rule (visible_bulletins), and the
sector for a cascade through permissions.cascading_sectors. The marking is checked by the
service whatever was posted. Unsubscribing is reached by a signed token, with no sign-in.
"""

import csv
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.audit import record_audit
from accounts.models import Sector
from bulletins.models import Bulletin
from bulletins.permissions import visible_bulletins
from portal.access import require, signed_in
from portal.csv_safety import spreadsheet_safe

from . import services
from .forms import CascadeForm, ContactForm, ContactImportForm
from .imports import MAX_BYTES, parse_contacts_csv
from .models import Contact
from .permissions import (
    cascade_refusal,
    cascading_sectors,
    keeps_contacts,
    kept_sectors,
    sees_reach,
)
from .selectors import reach

IMPORT_SESSION_KEY = "cascades_import"
CSV_COLUMNS = ["organisation", "name", "email", "phone", "public_list", "unsubscribed_at"]


def _kept(request: HttpRequest, slug: str) -> Sector:
    """The sector, if the person keeps its contacts; 404 otherwise, whether or not it exists."""
    return get_object_or_404(kept_sectors(request.user).distinct(), slug=slug)


def _contact(request: HttpRequest, slug: str, contact_pk: int) -> tuple[Sector, Contact]:
    sector = _kept(request, slug)
    return sector, get_object_or_404(sector.contacts, pk=contact_pk)


# --- Contacts ---------------------------------------------------------------------------


@require(keeps_contacts)
@require_safe
def contact_sectors(request: HttpRequest) -> HttpResponse:
    sectors = kept_sectors(request.user).distinct().order_by("name")
    return render(request, "cascades/sectors.html", {"sectors": sectors})


@require(signed_in)
@require_safe
def contact_list(request: HttpRequest, slug: str) -> HttpResponse:
    sector = _kept(request, slug)
    return render(
        request, "cascades/contacts.html", {"sector": sector, "contacts": sector.contacts.all()}
    )


@require(signed_in)
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, slug: str) -> HttpResponse:
    sector = _kept(request, slug)
    form = ContactForm(request.POST or None, sector=sector)
    if request.method == "POST" and form.is_valid():
        contact = services.add_contact(
            sector, actor=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, f"{contact.organisation} added.")
        return redirect("cascade_contacts", slug=sector.slug)
    return render(request, "cascades/contact_form.html", {"sector": sector, "form": form})


@require(signed_in)
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, slug: str, contact_pk: int) -> HttpResponse:
    sector, contact = _contact(request, slug, contact_pk)
    form = ContactForm(request.POST or None, instance=contact, sector=sector)
    if request.method == "POST" and form.is_valid():
        fresh = Contact.objects.get(pk=contact.pk)
        services.change_contact(fresh, actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, f"{fresh.organisation} changed.")
        return redirect("cascade_contacts", slug=sector.slug)
    return render(
        request, "cascades/contact_form.html", {"sector": sector, "form": form, "contact": contact}
    )


@require(signed_in)
@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, slug: str, contact_pk: int) -> HttpResponse:
    sector, contact = _contact(request, slug, contact_pk)
    if request.method == "POST":
        services.remove_contact(contact, actor=request.user, request=request)
        messages.success(request, f"{contact.organisation} removed.")
        return redirect("cascade_contacts", slug=sector.slug)
    return render(request, "cascades/contact_remove.html", {"sector": sector, "contact": contact})


@require(signed_in)
@require_safe
def contacts_csv(request: HttpRequest, slug: str) -> HttpResponse:
    sector = _kept(request, slug)
    contacts = list(sector.contacts.all())
    services.record_contacts_export(
        sector, actor=request.user, count=len(contacts), request=request
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sector.slug}-contacts.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for contact in contacts:
        writer.writerow(
            spreadsheet_safe(value)
            for value in (
                contact.organisation,
                contact.name,
                contact.email,
                contact.phone,
                "yes" if contact.public_list else "no",
                contact.unsubscribed_at.isoformat() if contact.unsubscribed_at else "",
            )
        )
    return response


@require(signed_in)
@require_http_methods(["GET", "POST"])
def contacts_import(request: HttpRequest, slug: str) -> HttpResponse:
    sector = _kept(request, slug)
    form = ContactImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        request.session.pop(IMPORT_SESSION_KEY, None)
        preview = parse_contacts_csv(upload.read(MAX_BYTES + 1), sector)
        preview.filename = upload.name[:200]
        if preview.refusal:
            form.add_error("file", preview.refusal)
        else:
            import_id = ""
            if preview.is_valid:
                import_id = secrets.token_urlsafe(16)
                request.session[IMPORT_SESSION_KEY] = {
                    "id": import_id,
                    "sector": sector.pk,
                    "filename": preview.filename,
                    "rows": preview.rows,
                }
            return render(
                request,
                "cascades/import_preview.html",
                {"sector": sector, "preview": preview, "import_id": import_id},
            )
    return render(request, "cascades/import_upload.html", {"sector": sector, "form": form})


@require(signed_in)
@require_POST
def contacts_import_apply(request: HttpRequest, slug: str) -> HttpResponse:
    sector = _kept(request, slug)
    stored = request.session.get(IMPORT_SESSION_KEY)
    if (
        not stored
        or stored.get("id") != request.POST.get("import_id")
        or stored.get("sector") != sector.pk
    ):
        messages.error(
            request, "That preview is no longer current: nothing was imported. Upload it again."
        )
        return redirect("cascade_contacts_import", slug=sector.slug)
    request.session.pop(IMPORT_SESSION_KEY, None)
    summary = services.import_contacts(
        sector, stored["rows"], actor=request.user, filename=stored["filename"], request=request
    )
    messages.success(
        request,
        f"Imported {stored['filename'] or 'the file'}: {summary['added']} added, "
        f"{summary['changed']} changed, {summary['unchanged']} unchanged.",
    )
    return redirect("cascade_contacts", slug=sector.slug)


# --- Cascading a bulletin ---------------------------------------------------------------


@require(signed_in)
@require_http_methods(["GET", "POST"])
def cascade_bulletin(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """Choose the contacts, see exactly what will be sent, confirm. Refused (403, saying why)
    for a marking that does not go on to other organisations and for a withdrawn bulletin."""
    bulletin = get_object_or_404(visible_bulletins(request.user), pk=pk)
    sector = get_object_or_404(cascading_sectors(request.user, bulletin), slug=slug)
    context = {"bulletin": bulletin, "sector": sector}
    refusal = cascade_refusal(bulletin)
    if refusal:
        return render(request, "cascades/refused.html", context | {"refusal": refusal}, status=403)
    contacts = services.eligible_contacts(bulletin, sector)
    earlier = services.earlier_recipients(bulletin, sector)
    correction = request.POST.get("correction") == "1"
    form = CascadeForm(request.POST or None, contacts=contacts)
    context |= {
        "form": form,
        "contacts": contacts,
        "earlier": earlier.count(),
        "left_out": sector.contacts.count() - contacts.count(),
        "correction": correction,
    }
    if request.method == "POST" and (correction or form.is_valid()):
        if correction:
            chosen = list(earlier)
        else:
            ids = form.chosen_ids()
            chosen = list(contacts if ids is None else contacts.filter(pk__in=ids))
        if "confirm" in request.POST:
            try:
                cascade = services.cascade_bulletin(
                    bulletin, sector, actor=request.user, request=request,
                    contact_ids=None if correction else form.chosen_ids(), correction=correction,
                )  # fmt: skip
            except ValidationError as error:
                context["problem"] = error.messages[0]
                return render(request, "cascades/cascade.html", context, status=400)
            count = cascade.recipients.count()
            messages.success(
                request,
                f"Sending it to {count} organisation{'s' if count != 1 else ''} of "
                f"{sector.name}. You can follow it under the bulletin's reach.",
            )
            return redirect(bulletin)
        email = preview_email(bulletin, sector, request.user, correction)
        return render(
            request,
            "cascades/confirm.html",
            context
            | {
                "chosen": chosen,
                "email": email,
                "email_from": email.headers["From"],
                "email_reply_to": email.headers["Reply-To"],
            },
        )
    return render(request, "cascades/cascade.html", context)


def preview_email(bulletin: Bulletin, sector: Sector, user, correction: bool):
    """The email exactly as each contact will get it (with a sample unsubscribe link)."""
    from alerts.models import Alert

    from .alerting import render
    from .models import Cascade

    note = ""
    if correction:
        latest = bulletin.revisions.order_by("-revised_at", "-pk").first()
        note = latest.what_changed if latest else ""
    alert = Alert(kind=Alert.Kind.BULLETIN_CASCADE, note=note)
    cascade = Cascade(
        alert=alert, bulletin=bulletin, sector=sector, sent_by=user, version=0,
        correction=correction,
    )  # fmt: skip
    return render(alert, cascade=cascade)


# --- Reach (NCPP staff) -----------------------------------------------------------------


@require(sees_reach)
@require_safe
def reach_report(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(visible_bulletins(request.user), pk=pk)
    return render(request, "cascades/reach.html", {"bulletin": bulletin, **reach(bulletin)})


@require(sees_reach)
@require_safe
def reach_csv(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(visible_bulletins(request.user), pk=pk)
    report = reach(bulletin)
    record_audit("bulletin.reach_exported", actor=request.user, target=bulletin, request=request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = bulletin.reference or f"bulletin-{bulletin.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}-reach.csv"'
    response["Cache-Control"] = "private, no-store"
    columns = ["isls", "read", "acknowledged", "cascaded_in_portal", "delivered", "failed",
               "waiting", "unsubscribed", "typed_isls", "typed_organisations"]  # fmt: skip
    writer = csv.writer(response)
    writer.writerow(["sector", *columns])
    for row in report["sectors"]:
        writer.writerow([spreadsheet_safe(row["sector"].name), *(row[key] for key in columns)])
    writer.writerow(["All sectors", *(report["totals"][key] for key in columns)])
    return response


# --- Unsubscribing (no sign-in) ----------------------------------------------------------


@csrf_exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", with no form
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link checkers fetch links; they must not unsubscribe anyone); POST does it."""
    contact = services.contact_for_token(token)
    if contact is None:
        raise Http404
    if request.method == "POST":
        services.unsubscribe(contact)
        return render(request, "cascades/unsubscribed.html", {"contact": contact})
    return render(request, "cascades/unsubscribe.html", {"contact": contact, "token": token})
