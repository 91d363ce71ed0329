"""A bridge call from scheduling to the update written from it, in a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bulletins.models import Bulletin
from calls.models import Attendance, Call
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_officer_schedules_a_call_an_isl_answers_and_the_update_links_back_to_the_call(
    portal_server, page, open_page, ncpp_officer, isl, other_isl, retail, severe
):
    starts = timezone.localtime() + timedelta(days=3)
    sign_in(page, portal_server, ncpp_officer)
    page.goto(f"{portal_server}/calls/")
    page.get_by_role("link", name="Schedule a call").click()
    page.get_by_label("Title").fill("National Bridge Call: festive period")
    page.get_by_label("Day").fill(str(starts.day))
    page.get_by_label("Month").fill(str(starts.month))
    page.get_by_label("Year").fill(str(starts.year))
    page.get_by_label("Time (24-hour)").fill("10:30")
    page.get_by_label("Expected length, in minutes").fill("45")
    page.get_by_label("Chosen sectors only").check()
    page.get_by_label("Retail").check()
    page.get_by_label("Agenda").fill("Protective security over the festive period\n\n- Events")
    page.get_by_label("Dial-in number").fill("0800 555 0199")
    page.get_by_label("PIN").fill("99314517")
    page.get_by_role("button", name="Schedule it and send the invitations").click()
    page.get_by_text("The call is scheduled").wait_for()
    call = Call.objects.get()
    assert timezone.localtime(call.starts_at).strftime("%H:%M") == "10:30"
    assert page.locator("#joining-details").get_by_text("0800 555 0199").is_visible()

    reader = open_page()
    sign_in(reader, portal_server, isl)
    reader.goto(f"{portal_server}/calls/")
    reader.get_by_role("link", name="National Bridge Call: festive period").click()
    assert reader.locator("#joining-details").get_by_text("99314517").is_visible()
    reader.get_by_label("I will join").check()
    reader.get_by_role("button", name="Send your answer").click()
    reader.get_by_text("Your answer is recorded.").wait_for()
    assert "1 person" in reader.locator("#joining-count").inner_text()
    assert Attendance.objects.get().answer == Attendance.Answer.JOINING

    # An ISL of another sector finds the call nowhere.
    stranger = open_page()
    sign_in(stranger, portal_server, other_isl)
    stranger.goto(f"{portal_server}/calls/")
    assert not stranger.get_by_text("National Bridge Call: festive period").count()
    # Asked for by its address, with the stranger's own session: as if it did not exist.
    response = stranger.request.get(f"{portal_server}{call.get_absolute_url()}")
    assert response.status == 404

    # The call takes place; afterwards the officer writes the update from it.
    Call.objects.filter(pk=call.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    page.goto(f"{portal_server}{call.get_absolute_url()}")
    page.get_by_role("button", name="Write the update from this call").click()
    page.get_by_text("The draft update is linked to the call").wait_for()
    day = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%d/%m/%Y")
    assert page.get_by_label("Source line").input_value() == (
        f"Update following the National Bridge Call {day}"
    )
    page.get_by_label("Summary").fill("What the Detective Superintendent told the sector leads.")
    page.get_by_label("TLP:GREEN").check()
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_text("The draft is saved").wait_for()
    bulletin = Bulletin.objects.get()
    page.goto(f"{portal_server}/bulletins/{bulletin.pk}/publish/")
    page.get_by_label("Publish and email everyone it is for").check()
    page.get_by_label("I have checked the marking and the audience").check()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("is published").first.wait_for()

    reader.goto(f"{portal_server}{call.get_absolute_url()}")
    link = reader.get_by_role("link", name=bulletin.title, exact=False)
    assert link.is_visible()
    screenshot(reader, "call-with-its-update")
    link.click()
    assert reader.get_by_role("heading", level=1).inner_text() == bulletin.title
