import pytest

from accounts.imports import MAX_BYTES, apply_membership_import, parse_membership_csv
from accounts.invitations import create_invitation
from accounts.models import AuditEvent, Invitation, InvitationSector, Membership
from tests.factories import MembershipFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,name,organisation,sector,role\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode()


def upload(client, content: bytes, name: str = "members.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/manage/import/", {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    )


def database_state() -> tuple[int, int, int, int]:
    return (
        Membership.objects.count(),
        Invitation.objects.count(),
        InvitationSector.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def admin_client(client, portal_admin):
    client.force_login(portal_admin)
    return client


def test_a_file_with_one_bad_row_writes_nothing_and_the_preview_names_that_row(
    admin_client, retail, transport, other_isl
):
    before = database_state()
    content = csv_bytes(
        "new.person@example.org,New Person,Acme,Retail,member",
        "isl.transport@example.org,Transport member,Rail Co,retail,deputy",
        "another@example.org,Another,Shops Ltd,Fishing,lead",
    )

    response = upload(admin_client, content)

    assert response.status_code == 200
    page = response.content.decode()
    assert "The file cannot be imported" in page
    assert "There is no sector called “Fishing”" in page
    assert ">4</th>" in page  # the header is row 1, so the third person is row 4
    assert "Confirm and import" not in page
    assert "manage_import" not in admin_client.session
    assert database_state() == before


def test_the_preview_lists_every_invalid_row_with_its_number_and_reason(retail):
    preview = parse_membership_csv(
        csv_bytes(
            "good@example.org,Good,Org,retail,member",
            "not-an-email,Bad Email,Org,retail,member",
            "a@example.org,A,Org,nowhere,member",
            "b@example.org,B,Org,retail,boss",
            "c@example.org,,Org,retail,member",
            "good@example.org,Good again,Org,RETAIL,lead",
            "d@example.org,D,Org",
        )
    )

    reasons = {problem.number: problem.reason for problem in preview.problems}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "not a valid email address" in reasons[3]
    assert "no sector called “nowhere”" in reasons[4]
    assert "“boss” is not a role" in reasons[5]
    assert "the name is missing" in reasons[6]
    assert "repeats row 2" in reasons[7]
    assert "the sector is missing" in reasons[8] and "the role is missing" in reasons[8]
    assert not preview.is_valid


def test_a_good_file_adds_existing_people_and_invites_new_people_once_each(
    admin_client, portal_admin, retail, transport, isl, other_isl
):
    SectorFactory(name="Finance", slug="finance")
    content = (
        "\ufeff"  # Excel's "CSV UTF-8" starts with a byte-order mark
        + HEADER
        + "isl.transport@example.org,Transport member,Rail Co,Retail,deputy\n"
        + "ISL.Retail@example.org,Retail lead,Shops,retail,deputy\n"
        + "new.person@example.org,Néw Person,Acme,Retail,lead\n"
        + "new.person@example.org,Néw Person,Acme,finance,member\n"
        + "other.new@example.org,Other New,Bank,Finance,deputy\n"
    ).encode()

    preview_page = upload(admin_client, content)

    page = preview_page.content.decode()
    assert "Check the import" in page
    assert "New invitation" in page and "Add to sector" in page and "Change role" in page
    assert Invitation.objects.count() == 0

    import_id = admin_client.session["manage_import"]["id"]
    response = admin_client.post("/manage/import/apply/", {"import_id": import_id})

    assert response.status_code == 302
    assert Membership.objects.get(user=other_isl, sector=retail).role == "deputy"
    assert Membership.objects.get(user=isl, sector=retail).role == "deputy"
    new_person = Invitation.objects.get(email="new.person@example.org")
    assert new_person.kind == Invitation.Kind.ISL
    assert new_person.name == "Néw Person"
    assert new_person.invited_by == portal_admin
    assert {(item.sector.slug, item.role) for item in new_person.sectors.all()} == {
        ("retail", "lead"),
        ("finance", "member"),
    }
    assert Invitation.objects.filter(email="other.new@example.org").count() == 1
    assert Invitation.objects.count() == 2
    summary = AuditEvent.objects.get(action="membership.imported")
    assert summary.actor == portal_admin
    assert summary.changes["invited"] == 2
    assert summary.changes["added"] == 1 and summary.changes["changed"] == 1
    assert AuditEvent.objects.filter(action="membership.added").count() == 1
    assert AuditEvent.objects.filter(action="membership.changed").count() == 1
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 2
    assert "manage_import" not in admin_client.session


def test_applying_writes_nothing_when_the_database_changed_since_the_preview(portal_admin, retail):
    preview = parse_membership_csv(
        csv_bytes(
            "first@example.org,First,Org,retail,member",
            "second@example.org,Second,Org,retail,member",
        )
    )
    assert preview.is_valid
    create_invitation(
        email="second@example.org", kind=Invitation.Kind.NCPP_STAFF, invited_by=portal_admin
    )
    before = database_state()

    with pytest.raises(Exception, match="pending invitation"):
        apply_membership_import(preview, actor=portal_admin)

    assert database_state() == before


def test_an_apply_without_a_current_preview_imports_nothing(admin_client, retail):
    upload(admin_client, csv_bytes("first@example.org,First,Org,retail,member"))
    before = database_state()

    response = admin_client.post("/manage/import/apply/", {"import_id": "made-up"}, follow=True)

    assert "no longer current" in response.content.decode()
    assert database_state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            csv_bytes('a@example.org,"A, unclosed,Org,retail,member'),
            "a quoted value is never closed",
            id="malformed-quote",
        ),
        pytest.param(
            csv_bytes('a@example.org,"A" B,Org,retail,member'),
            "quotation mark",
            id="malformed-stray-quote",
        ),
        pytest.param(
            csv_bytes("a@example.org,A,Org,retail,member", header="mail;name;org\n"),
            "must name the columns email,name,organisation,sector,role",
            id="wrong-header",
        ),
        pytest.param(
            b"a@example.org,A,Org,retail,member\n",
            "must name the columns email,name,organisation,sector,role",
            id="no-header",
        ),
        pytest.param(b"", "The file is empty", id="empty"),
        pytest.param(
            csv_bytes("caf\xe9@example.org,Caf\xe9,Org,retail,member").decode().encode("cp1252"),
            "cannot be read as UTF-8",
            id="not-utf8",
        ),
        pytest.param(
            csv_bytes("a@example.org,A," + "x" * 3000 + ",retail,member"),
            "longer than 2,000 characters",
            id="long-line",
        ),
        pytest.param(
            HEADER.encode() + b"a@example.org,A,Org,retail,member\n" * 70000,
            "larger than 2 MB",
            id="oversized",
        ),
        pytest.param(
            csv_bytes(*[f"p{n}@example.org,P,O,retail,member" for n in range(5001)]),
            "more than 5,000 rows",
            id="too-many-rows",
        ),
    ],
)
def test_a_bad_file_is_reported_clearly_and_writes_nothing(admin_client, retail, content, message):
    before = database_state()

    response = upload(admin_client, content)

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message.lower() in page.lower()
    assert "Confirm and import" not in page
    assert "manage_import" not in admin_client.session
    assert database_state() == before


def test_the_size_limit_is_two_megabytes():
    assert MAX_BYTES == 2 * 1024 * 1024
    assert "larger than 2 MB" in parse_membership_csv(b"x" * (MAX_BYTES + 1)).refusal


def test_a_person_with_a_pending_invitation_is_an_invalid_row(portal_admin, retail):
    create_invitation(
        email="waiting@example.org",
        kind=Invitation.Kind.PORTAL_ADMIN,
        invited_by=portal_admin,
    )

    preview = parse_membership_csv(csv_bytes("waiting@example.org,Waiting,Org,retail,member"))

    assert [(problem.number, "pending invitation" in problem.reason) for problem in
            preview.problems] == [(2, True)]  # fmt: skip


def test_a_row_already_as_the_file_says_changes_nothing(portal_admin, retail):
    person = UserFactory(email="same@example.org")
    MembershipFactory(user=person, sector=retail, role="lead")
    preview = parse_membership_csv(csv_bytes("same@example.org,Same,Org,retail,lead"))

    summary = apply_membership_import(preview, actor=portal_admin)

    assert summary["unchanged"] == 1
    assert (
        not AuditEvent.objects.filter(action__startswith="membership.")
        .exclude(action="membership.imported")
        .exists()
    )
