"""Bad input everywhere: every form meets generated junk and answers without a 500 or a
partial write."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import uk_phone_number
from accounts.models import Invitation, Membership, User
from bulletins.models import Bulletin
from threat_levels.models import ThreatLevelChange, ThreatLevelScope

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a browser could send, including NUL, control characters, right-to-left marks and
# markup, from empty to long.
junk = st.text(st.characters(exclude_categories=["Cs"]), max_size=400)
# Long input made by repetition: cheap to generate, as long as a pasted document.
long_junk = st.one_of(junk, junk.map(lambda text: (text or "x") * 60))
choice_or_junk = lambda *values: st.one_of(st.sampled_from(values), junk)  # noqa: E731


def post(client, path: str, data: dict):
    response = client.post(path, data)
    assert response.status_code < 500, (path, data, response.status_code)
    return response


@FUZZ
@given(
    title=long_junk, summary=junk, source_line=junk, key_points=long_junk, body=long_junk,
    marking=choice_or_junk("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:RED"),
    audience=choice_or_junk("all", "chosen"), valid_until=junk, sector=junk,
)  # fmt: skip
def test_the_bulletin_form_never_fails_and_saves_whole_or_nothing(
    client, ncpp_officer, retail, title, summary, source_line, key_points, body, marking,
    audience, valid_until, sector,
):  # fmt: skip
    client.force_login(ncpp_officer)
    before = Bulletin.objects.count()

    response = post(client, "/bulletins/new/", {
        "title": title, "summary": summary, "source_line": source_line,
        "key_points": key_points, "body": body, "marking": marking, "audience": audience,
        "sectors": [sector, str(retail.pk)], "valid_until": valid_until,
    })  # fmt: skip

    written = Bulletin.objects.count() - before
    assert written == (1 if response.status_code == 302 else 0)
    if written:
        saved = Bulletin.objects.latest("pk")
        assert saved.title == title.strip() and saved.status == Bulletin.Status.DRAFT


@FUZZ
@given(
    text=st.one_of(long_junk, st.binary(max_size=3000).map(lambda b: b.decode("latin-1"))),
    html=st.one_of(st.just(""), junk, junk.map(lambda text: f"<ul><li>{text}</li></ul>")),
)
def test_pasting_anything_shows_a_draft_and_saves_nothing(
    client, ncpp_officer, settings, tmp_path, text, html
):
    # The check page's contents are held in the private storage until the draft is saved.
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    client.force_login(ncpp_officer)
    before = Bulletin.objects.count()

    post(client, "/bulletins/paste/", {"text": text, "html": html})

    assert Bulletin.objects.count() == before


@FUZZ
@given(
    email=st.one_of(st.emails(), junk), name=junk, organisation=junk,
    kind=choice_or_junk("isl", "ncpp_staff", "portal_admin"),
    role=choice_or_junk("lead", "deputy", "member"), sector=junk,
)  # fmt: skip
def test_the_invitation_form_never_fails_and_invites_whole_or_nothing(
    client, portal_admin, retail, email, name, organisation, kind, role, sector
):
    client.force_login(portal_admin)
    before = (Invitation.objects.count(), User.objects.count())

    response = post(client, "/manage/invitations/new/", {
        "email": email, "name": name, "organisation": organisation, "kind": kind,
        "role": role, "sectors": [sector, str(retail.pk)],
    })  # fmt: skip

    invited = Invitation.objects.count() - before[0]
    assert invited == (1 if response.status_code == 302 else 0)
    assert User.objects.count() == before[1]


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=4000),
        junk.map(lambda text: text.encode("utf-8", "surrogatepass")),
        junk.map(lambda text: ("email,name,organisation,sector,role\n" + text).encode()),
        st.sampled_from([
            "email,name,organisation,sector,role\n".encode("utf-16"),
            b"email;name;organisation;sector;role\r\nx@example.org;X;Y;Retail;lead\r\n",
            b"email,name,organisation,sector,role\n" + b"a" * 3000 + b"\n",
            "email,name,organisation,sector,role\nzoë@example.org,Zoë,Café,Retail,lead\n"
            .encode("latin-1"),
        ]),
    ),
    filename=st.sampled_from(["members.csv", "members.xlsx", "../../etc/passwd", "x" * 300]),
)  # fmt: skip
def test_a_membership_upload_of_anything_is_previewed_or_refused_never_applied(
    client, portal_admin, retail, content, filename
):
    client.force_login(portal_admin)
    before = (Membership.objects.count(), Invitation.objects.count())

    response = client.post(
        "/manage/import/", {"file": SimpleUploadedFile(filename, content, "text/csv")}
    )

    assert response.status_code < 500
    assert (Membership.objects.count(), Invitation.objects.count()) == before


@FUZZ
@given(
    boxes=st.lists(junk, min_size=6, max_size=6),
    marking=choice_or_junk("", "TLP:GREEN"),
    path=st.sampled_from(["/bulletins/", "/bulletins/search/"]),
)  # fmt: skip
def test_the_filters_answer_any_typed_dates_with_a_page_not_an_error(
    client, isl, boxes, marking, path
):
    client.force_login(isl)
    names = [
        f"published_{end}-{part}" for end in ("from", "to") for part in ("day", "month", "year")
    ]

    response = client.get(
        path, {"q": "update", "marking": marking, **dict(zip(names, boxes, strict=True))}
    )

    assert response.status_code == 200


@FUZZ
@given(
    level=choice_or_junk("LOW", "MODERATE", "SUBSTANTIAL", "SEVERE", "CRITICAL"),
    effective_at=junk, note=long_junk, scope=junk,
    boxes=st.one_of(st.none(), st.tuples(junk, junk, junk, junk)),
)  # fmt: skip
def test_the_threat_level_form_never_fails_and_records_nothing_before_confirmation(
    client, ncpp_officer, level, effective_at, note, scope, boxes
):
    client.force_login(ncpp_officer)
    national = ThreatLevelScope.objects.get(slug="national")
    before = ThreatLevelChange.objects.count()
    # The time it takes effect typed in its day, month, year and time boxes, or as ISO text.
    typed = (
        {"effective_at": effective_at} if boxes is None
        else dict(zip(("effective_at-day", "effective_at-month", "effective_at-year",
                       "effective_at-time"), boxes, strict=True))
    )  # fmt: skip

    post(client, "/threat-level/record/", {
        "scope": scope if scope else str(national.pk), "level": level, "note": note, **typed,
    })  # fmt: skip

    assert ThreatLevelChange.objects.count() == before


@FUZZ
@given(name=junk, organisation=long_junk, phone=junk,
       routine_alerts=choice_or_junk("immediate", "digest"))  # fmt: skip
def test_the_profile_form_never_fails_and_saves_whole_or_nothing(
    client, isl, name, organisation, phone, routine_alerts
):
    client.force_login(isl)
    isl.refresh_from_db()
    unchanged = (isl.name, isl.organisation, isl.phone, isl.routine_alerts)

    response = post(client, "/profile/", {
        "name": name, "organisation": organisation, "phone": phone,
        "routine_alerts": routine_alerts,
    })  # fmt: skip

    isl.refresh_from_db()
    now = (isl.name, isl.organisation, isl.phone, isl.routine_alerts)
    if response.status_code == 302:
        # A phone number is kept in the one form UK numbers are written in.
        kept = uk_phone_number(phone)
        assert now == (name.strip(), organisation.strip(), kept, routine_alerts)
    else:
        assert now == unchanged


def test_an_oversized_request_body_is_refused_as_too_large(client, isl):
    client.force_login(isl)

    response = client.post("/profile/", {"name": "x" * (6 * 1024 * 1024)})

    # portal.request_limits refuses it from its length, before Django parses the form.
    assert response.status_code == 413
    assert b"too large" in response.content
    isl.refresh_from_db()
    assert isl.name == "Retail lead"


def test_an_oversized_membership_file_is_refused_with_a_clear_message(client, portal_admin):
    client.force_login(portal_admin)
    big = b"email,name,organisation,sector,role\n" + b"a@example.org,A,B,Retail,lead\n" * 80_000

    response = client.post("/manage/import/", {"file": SimpleUploadedFile("big.csv", big)})

    assert response.status_code == 200
    assert b"The file is larger than 2 MB" in response.content
    assert not Membership.objects.exists()
