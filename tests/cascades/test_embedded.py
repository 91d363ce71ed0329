"""A cascade on `make run`'s embedded default: SQLite, tasks in process, emails to the console."""

import subprocess
import sys

import pytest

from tests.helpers import copy_project, embedded_env

CASCADE = """
from accounts.models import Membership, Sector, User
from alerts.models import Delivery
from bulletins.models import Marking
from bulletins.services import create_draft, publish_bulletin
from cascades.models import Contact
from cascades.services import cascade_bulletin

sector = Sector.objects.create(name="Retail", slug="retail")
lead = User.objects.create_user("lead@example.org", name="Retail lead")
Membership.objects.create(user=lead, sector=sector, role=Membership.Role.LEAD)
for n in range(3):
    Contact.objects.create(sector=sector, organisation=f"Shop {n}", name="Manager",
                           email=f"shop{n}@example.org")
bulletin = publish_bulletin(
    create_draft(author=lead, title="Be alert", summary="Stay alert.", marking=Marking.GREEN,
                 all_sectors=True, sectors=[]),
    publisher=lead, send_alert=False,
)
cascade_bulletin(bulletin, sector, actor=lead, contact_ids=None)
print("SENT", Delivery.objects.filter(status="sent", user__isnull=True).count())
"""


@pytest.mark.slow
def test_a_cascade_is_sent_in_process_on_sqlite(tmp_path):
    project = copy_project(tmp_path)
    env = embedded_env()
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CASCADE],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "SENT 3" in run.stdout
    assert run.stdout.count("List-Unsubscribe-Post: List-Unsubscribe=One-Click") == 3
    assert "Reply-To: Retail lead <lead@example.org>" in run.stdout
