"""Django's admin changes nothing behind the audit log's back.

People, groups, sector membership and deactivation are managed in the portal's Manage screens,
which enforce the rules and write the audit log; in the admin they are read-only. Whatever the
admin may still change writes one audit row per add, change or delete. A superuser, signed in
with a second factor as any real one must be, walks every form the admin offers.
"""

from collections.abc import Callable, Iterator

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html

from accounts.models import NCPP_STAFF_GROUP, AuditEvent, Membership, Sector, User
from alerts.models import Alert
from tests.helpers import PASSWORD, make_person, totp_code
from threat_levels.models import ThreatLevelChange, ThreatLevelScope

pytestmark = pytest.mark.django_db

FORM_FURNITURE = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew"}


@pytest.fixture
def superuser(db) -> User:
    return make_person("superuser@example.org", "Superuser", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(superuser) -> Client:
    """The superuser, fully signed in through allauth: password, then the authenticator code."""
    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.post("/accounts/login/", {"login": superuser.email, "password": PASSWORD})
    response = client.post(
        "/accounts/2fa/authenticate/", {"code": totp_code(superuser.totp_secret)}
    )
    assert response.status_code == 302, response.content
    assert client.get("/admin/").status_code == 200
    return client


@pytest.fixture
def staff_group(db) -> Group:
    return Group.objects.get_or_create(name=NCPP_STAFF_GROUP)[0]


@pytest.fixture
def samples(isl, other_isl, retail, national, severe, staff_group) -> dict[type, models.Model]:
    """One object of each model the admin shows, to walk its change form."""
    session = UserSession.objects.create(
        user=other_isl, session_key="a" * 40, ip="192.0.2.1", last_seen_at=timezone.now()
    )
    return {
        Group: Group.objects.create(name="Auditors"),
        EmailAddress: EmailAddress.objects.get(user=isl),
        Authenticator: Authenticator.objects.get(user=other_isl),
        UserSession: session,
        User: isl,
        Sector: retail,
        AuditEvent: AuditEvent.objects.order_by("pk").first(),
        ThreatLevelScope: national,
        ThreatLevelChange: severe,
        Alert: Alert.objects.create(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER),
    }


# What a superuser may add in the admin, and a valid form for it. Any model missing here must
# refuse to be added: a new admin that allows it makes the walk fail until it is listed.
ADD_FORMS: dict[type, Callable[[], dict[str, str]]] = {
    Group: lambda: {"name": "Press office"},
    Sector: lambda: {"name": "Ports", "slug": "ports"},
    ThreatLevelScope: lambda: {
        "name": "Great Britain",
        "slug": "great-britain",
        "position": "30",
        "public": "on",
    },
    EmailAddress: lambda: {
        "user": str(User.objects.get(email="isl.retail@example.org").pk),
        "email": "second@example.org",
    },
}


def as_post(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form data as a browser sends it, a name given as often as it has values."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def url(model: type, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def the_form(response) -> html.FormElement:
    forms = [f for f in html.fromstring(response.content).forms if f.method.upper() == "POST"]
    assert forms, "the page has no form to post"
    return max(forms, key=lambda form: len(form.inputs))


def admin_audit() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="admin.").order_by("pk"))


def state(obj: models.Model) -> dict:
    """The row as the database holds it now, with its many-to-many values."""
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return {"deleted": True}
    values = {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}
    for field in fresh._meta.many_to_many:
        values[field.name] = sorted(getattr(fresh, field.name).values_list("pk", flat=True))
    return values


def rights() -> list:
    """Everything that decides who may do what: flags, groups, permissions, memberships."""
    people = [
        (u.pk, u.is_active, u.is_staff, u.is_superuser,
         sorted(u.groups.values_list("pk", flat=True)),
         sorted(u.user_permissions.values_list("pk", flat=True)))
        for u in User.objects.order_by("pk")
    ]  # fmt: skip
    memberships = sorted(Membership.objects.values_list("user_id", "sector_id", "role"))
    return [people, memberships]


def mutations(form: html.FormElement) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Each field a person could change in the form, changed, as (field, data to post)."""
    values = [(k, v) for k, v in form.form_values() if k not in FORM_FURNITURE]
    for element in form.inputs:
        name = element.get("name")
        if not name or name in FORM_FURNITURE or "-" in name or element.get("disabled"):
            continue
        kind = (element.get("type") or "").lower() if element.tag == "input" else element.tag
        others = [(k, v) for k, v in values if k != name]
        if kind == "checkbox":
            if element.checked:
                yield name, others
            else:
                yield name, [*values, (name, element.get("value") or "on")]
        elif kind in ("text", "email", "url", "number", "textarea", "select"):
            current = element.value
            if kind == "select" and element.multiple:
                unpicked = [o for o in element.value_options if o not in current]
                if unpicked:
                    yield name, [*values, (name, unpicked[0])]
            elif kind == "select":
                choices = [o for o in element.value_options if o and o != current]
                if choices:
                    yield name, [*others, (name, choices[0])]
            elif kind == "number":
                yield name, [*others, (name, str(int(current or 0) + 1))]
            elif kind == "email":
                yield name, [*others, (name, f"changed.{current}")]
            else:
                yield name, [*others, (name, f"{current or ''}-changed")]


def registered() -> list[tuple[type, admin.ModelAdmin]]:
    return list(admin.site._registry.items())


def test_every_admin_model_has_a_sample_to_walk(samples):
    assert {model for model, _ in registered()} == set(samples)


def test_every_change_made_through_an_admin_form_is_refused_or_audited_once(admin_client, samples):
    audited_somewhere = set()
    for model, _ in registered():
        obj = samples[model]
        page = admin_client.get(url(model, "change", obj.pk))
        assert page.status_code == 200, model
        form = the_form(page)
        for field, data in mutations(form):
            before, before_rights, before_audit = state(obj), rights(), admin_audit()
            admin_client.post(url(model, "change", obj.pk), as_post([*data, ("_save", "Save")]))
            new_rows = admin_audit()[len(before_audit) :]
            if (state(obj), rights()) == (before, before_rights):
                assert new_rows == [], (model, field, "nothing changed, yet audited")
                continue
            assert before_rights == rights(), (model, field, "rights changed in the admin")
            assert [(r.action, r.object_type, r.object_id) for r in new_rows] == [
                ("admin.changed", obj._meta.label_lower, str(obj.pk))
            ], (model, field)
            assert new_rows[0].actor.email == "superuser@example.org"
            assert field.split("-")[0] in new_rows[0].changes, (model, field, new_rows[0].changes)
            audited_somewhere.add(model)
    # The walk is not vacuous: what stays editable was really changed, and audited.
    assert {Group, EmailAddress, User, Sector, ThreatLevelScope} <= audited_somewhere


def test_every_add_form_is_refused_or_audited_once(admin_client, samples):
    for model, _ in registered():
        page = admin_client.get(url(model, "add"))
        if model not in ADD_FORMS:
            assert page.status_code == 403, f"{model} can be added in the admin: list it"
            continue
        assert page.status_code == 200
        count, before = model._default_manager.count(), admin_audit()

        admin_client.post(url(model, "add"), {**ADD_FORMS[model](), "_save": "Save"})

        assert model._default_manager.count() == count + 1, model
        (row,) = admin_audit()[len(before) :]
        made = model._default_manager.order_by("-pk").first()
        assert (row.action, row.object_type, row.object_id) == (
            "admin.added", model._meta.label_lower, str(made.pk)
        )  # fmt: skip


def test_every_delete_is_refused_or_audited_once(admin_client, samples):
    for model, _ in registered():
        obj = samples[model]
        before = admin_audit()
        page = admin_client.get(url(model, "delete", obj.pk))
        if page.status_code == 403:
            assert state(obj) != {"deleted": True}
            continue
        admin_client.post(url(model, "delete", obj.pk), {"post": "yes"})

        assert state(obj) == {"deleted": True}, model
        assert [(r.action, r.object_id) for r in admin_audit()[len(before) :]] == [
            ("admin.deleted", str(obj.pk))
        ], model


def test_the_only_bulk_action_left_is_delete_and_it_audits_each_row(
    admin_client, samples, staff_group
):
    for model, _ in registered():
        page = html.fromstring(admin_client.get(url(model, "changelist")).content)
        actions = [o for o in page.xpath("//select[@name='action']/option/@value") if o]
        assert set(actions) <= {"delete_selected"}, (model, actions)
    spare = [Group.objects.create(name=f"Spare {n}") for n in range(2)]
    before = admin_audit()

    def delete_selected(groups: list[Group]) -> None:
        admin_client.post(
            url(Group, "changelist"),
            {
                "action": "delete_selected",
                "post": "yes",
                "_selected_action": [g.pk for g in groups],
            },
        )

    delete_selected([*spare, staff_group])  # a role group among them: nothing goes
    assert Group.objects.filter(pk__in=[g.pk for g in [*spare, staff_group]]).count() == 3
    assert admin_audit() == before

    delete_selected(spare)

    assert not Group.objects.filter(pk__in=[g.pk for g in spare]).exists()
    rows = admin_audit()[len(before) :]
    assert sorted((r.action, r.object_id) for r in rows) == sorted(
        ("admin.deleted", str(g.pk)) for g in spare
    )


# --- The acts issue 12 names, one by one ------------------------------------------------------


def user_form_data(client, person) -> list[tuple[str, str]]:
    form = the_form(client.get(url(User, "change", person.pk)))
    return [(k, v) for k, v in form.form_values() if k not in FORM_FURNITURE]


def test_ncpp_staff_cannot_be_granted_in_the_user_form(admin_client, isl, staff_group):
    data = user_form_data(admin_client, isl)
    page = admin_client.get(url(User, "change", isl.pk)).content.decode()

    admin_client.post(
        url(User, "change", isl.pk),
        as_post([*data, ("groups", str(staff_group.pk)), ("is_staff", "on"),
                 ("is_superuser", "on"), ("user_permissions", str(Permission.objects.first().pk)),
                 ("_save", "Save")]),
    )  # fmt: skip

    isl.refresh_from_db()
    assert not isl.groups.exists()
    assert (isl.is_staff, isl.is_superuser) == (False, False)
    assert not isl.user_permissions.exists()
    # The admin says where it is done instead.
    assert reverse("manage_person", args=[isl.pk]) in page


def test_a_person_cannot_be_deactivated_in_the_admin(admin_client, isl):
    data = [(k, v) for k, v in user_form_data(admin_client, isl) if k != "is_active"]

    admin_client.post(url(User, "change", isl.pk), as_post([*data, ("_save", "Save")]))

    isl.refresh_from_db()
    assert isl.is_active
    assert admin_client.get(url(User, "delete", isl.pk)).status_code == 403


def test_memberships_cannot_be_added_changed_or_removed_in_the_admin(admin_client, isl, transport):
    membership = isl.memberships.get()
    data = [
        (k, v) for k, v in user_form_data(admin_client, isl) if not k.startswith("memberships-")
    ]
    inline = {
        "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk), "memberships-0-user": str(isl.pk),
        "memberships-0-sector": str(membership.sector_id), "memberships-0-role": "member",
        "memberships-0-DELETE": "on",
        "memberships-1-user": str(isl.pk), "memberships-1-sector": str(transport.pk),
        "memberships-1-role": "lead",
    }  # fmt: skip

    admin_client.post(
        url(User, "change", isl.pk), as_post([*data, *inline.items(), ("_save", "Save")])
    )

    assert list(Membership.objects.values_list("user", "sector", "role")) == [
        (isl.pk, membership.sector_id, "lead")
    ]


def test_a_groups_members_cannot_be_edited_from_the_group_form(admin_client, isl, staff_group):
    form = the_form(admin_client.get(url(Group, "change", staff_group.pk)))
    data = [(k, v) for k, v in form.form_values() if k not in FORM_FURNITURE]

    admin_client.post(
        url(Group, "change", staff_group.pk),
        as_post([*data, ("user_set", str(isl.pk)), ("users", str(isl.pk)), ("_save", "Save")]),
    )

    assert not staff_group.user_set.exists()


def test_the_portals_role_groups_cannot_be_renamed_or_deleted(admin_client, staff_group):
    admin_client.post(url(Group, "change", staff_group.pk), {"name": "Renamed", "_save": "Save"})

    assert Group.objects.filter(pk=staff_group.pk, name=NCPP_STAFF_GROUP).exists()
    assert admin_client.get(url(Group, "delete", staff_group.pk)).status_code == 403


def test_a_groups_permissions_change_is_audited_with_what_changed(admin_client):
    group = Group.objects.create(name="Auditors")
    permission = Permission.objects.get(codename="view_auditevent")

    admin_client.post(
        url(Group, "change", group.pk),
        {"name": "Auditors", "permissions": [permission.pk], "_save": "Save"},
    )

    (row,) = admin_audit()
    assert (row.action, row.object_id) == ("admin.changed", str(group.pk))
    assert row.changes == {"permissions": [[], [str(permission)]]}


def test_a_scopes_public_switch_changed_in_the_list_is_audited(admin_client, national):
    page = admin_client.get(url(ThreatLevelScope, "changelist"))
    data = [(k, v) for k, v in the_form(page).form_values() if k not in FORM_FURNITURE]
    index = next(k.split("-")[1] for k, v in data if k.endswith("-id") and v == str(national.pk))
    data = [(k, v) for k, v in data if k != f"form-{index}-public"]

    admin_client.post(url(ThreatLevelScope, "changelist"), as_post([*data, ("_save", "Save")]))

    national.refresh_from_db()
    assert national.public is False
    (row,) = admin_audit()
    assert (row.action, row.object_id, row.changes) == (
        "admin.changed", str(national.pk), {"public": [True, False]}
    )  # fmt: skip


def test_nobody_sets_another_persons_password_in_the_admin(admin_client, isl):
    new = "a-new-password-for-the-tests-42"
    page = admin_client.get(url(User, "change", isl.pk)).content.decode()

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[isl.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )

    assert response.status_code == 403
    isl.refresh_from_db()
    assert isl.check_password(PASSWORD)
    assert "../password/" not in page


def test_no_secret_of_an_authenticator_or_session_is_shown(admin_client, samples):
    totp = samples[Authenticator]
    secret = totp.wrap().instance.data["secret"]
    session = samples[UserSession]

    pages = [
        admin_client.get(url(Authenticator, "change", totp.pk)).content.decode(),
        admin_client.get(url(UserSession, "change", session.pk)).content.decode(),
        admin_client.get(url(UserSession, "changelist")).content.decode(),
    ]

    assert secret not in pages[0]
    assert all(session.session_key not in page for page in pages[1:])
    # Deleting it (the reset for a lost phone) is audited without the secret either.
    admin_client.post(url(Authenticator, "delete", totp.pk), {"post": "yes"})
    (row,) = admin_audit()
    assert row.action == "admin.deleted" and row.changes["data"] == "(not recorded)"
    assert secret not in str(row.changes)
