import socket

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_ok_with_the_real_database_and_redis(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_degraded_when_redis_is_unreachable(client, settings):
    # Nothing listens on this port: the broker is down as far as the portal can tell.
    settings.REDIS_URL = f"redis://127.0.0.1:{spare_port()}/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("degraded", "ok", "error")


def test_healthz_reports_in_process_tasks_when_there_is_no_broker(client, settings):
    settings.REDIS_URL = None

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"] == "in-process"


def test_healthz_reveals_no_configuration(client, settings):
    body = client.get("/healthz").content.decode()

    assert settings.SECRET_KEY not in body
    assert "127.0.0.1" not in body
    assert "postgres" not in body


def test_healthz_tells_an_anonymous_caller_the_status_and_nothing_of_the_alert_traffic(
    client, isl, other_isl, outsider
):
    from alerts.models import Alert, Delivery

    alert = Alert.objects.create(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER)
    now = timezone.now()
    Delivery.objects.create(alert=alert, user=isl, status="sent", sent_at=now)
    Delivery.objects.create(alert=alert, user=other_isl, status="failed-permanent")
    Delivery.objects.create(alert=alert, user=outsider, status="failed-temporary")

    body = client.get("/healthz").json()

    assert body == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_gives_staff_no_more_than_anyone_else(client, ncpp_officer):
    client.force_login(ncpp_officer)

    assert set(client.get("/healthz").json()) == {"status", "database", "broker"}
