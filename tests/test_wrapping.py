"""Where text in a table may wrap, and where it may not: the template filters that mark it."""

from portal.templatetags.wrapping import email_breaks, keep_whole


def test_an_address_may_wrap_after_its_at_sign_and_each_dot():
    assert email_breaks("jo.bloggs@police.example") == "jo.<wbr>bloggs@<wbr>police.<wbr>example"


def test_an_address_is_escaped_before_its_places_to_wrap_are_marked():
    assert email_breaks('<b onclick="x">@y') == "&lt;b onclick=&quot;x&quot;&gt;@<wbr>y"


def test_references_and_dates_in_text_are_kept_on_one_line_and_the_rest_escaped():
    assert keep_whole("NCPP-2026-0042 from 2026-12-06 <i>") == (
        '<span class="portal-nowrap">NCPP-2026-0042</span> from '
        '<span class="portal-nowrap">2026-12-06</span> &lt;i&gt;'
    )


def test_text_with_neither_is_only_escaped():
    assert keep_whole('Retail "lead" & deputy') == "Retail &quot;lead&quot; &amp; deputy"
