"""Hostile text in every field a bulletin has is shown as text, never run."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bulletins.attachments import PDF
from bulletins.rendering import render_markdown
from bulletins.services import add_attachment
from portal.inline_scripts import JS_ENABLED
from tests.helpers import PDF_BYTES, make_bulletin

PAYLOADS = [
    '<script>alert("xss")</script>',
    '<img src=x onerror="alert(1)">',
    '<svg onload="alert(1)"><circle/></svg>',
    '<a href="javascript:alert(1)">click</a>',
    '<div style="background:url(javascript:alert(1))">css</div>',
    "<style>body{display:none}</style>",
]


class Elements(HTMLParser):
    """Every element of a page, with its attributes, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.script_texts: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs) -> None:
        self.elements.append((tag, dict(attrs)))
        self.in_script = tag == "script"

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data) -> None:
        if self.in_script:
            self.script_texts.append(data)


def assert_inert(html: str) -> None:
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag not in ("svg", "style", "img", "iframe", "object"), tag
        if tag == "script":
            # Only the layout's own scripts: the class switch (allowed by its hash) and the module.
            assert attrs == {} or attrs.get("src") == "/static/js/portal.mjs", attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style", tag
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name)
    inline = [attrs for tag, attrs in parser.elements if tag == "script" and not attrs]
    assert parser.script_texts == [JS_ENABLED] * len(inline), parser.script_texts


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_rendering_removes_every_payload(payload):
    assert_inert(str(render_markdown(f"Before {payload} after\n\n[link](javascript:alert(1))")))


def test_markdown_links_keep_only_web_and_mail_addresses():
    html = str(
        render_markdown("[a](https://example.org) [b](mailto:x@example.org) [c](data:text/html,x)")
    )
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
    assert 'href="mailto:x@example.org"' in html
    assert "data:" not in html


def test_payloads_in_every_field_are_inert_on_every_page(client, isl, ncpp_officer, retail):
    hostile = " ".join(PAYLOADS)
    bulletin = make_bulletin(
        ncpp_officer,
        title=f"Hostile {PAYLOADS[0]}"[:200],
        summary=f"Searchable {PAYLOADS[1]} {PAYLOADS[2]}"[:300],
        body=f"Searchable body {hostile}",
        key_points=PAYLOADS,
        source_line=PAYLOADS[3],
        sectors=[retail],
        action_required=True,
    )
    add_attachment(
        bulletin,
        SimpleUploadedFile('<svg onload="alert(1)">.pdf', PDF_BYTES),
        PDF,
        uploaded_by=ncpp_officer,
    )
    client.force_login(isl)
    pages = [
        bulletin.get_absolute_url(),
        "/bulletins/",
        "/bulletins/search/?q=searchable",
        "/",
        f"/bulletins/{bulletin.pk}/revisions/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_inert(html)
    detail = client.get(bulletin.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in detail
    client.force_login(ncpp_officer)
    for url in [f"/bulletins/{bulletin.pk}/readership/", f"/bulletins/{bulletin.pk}/preview/"]:
        assert_inert(client.get(url).content.decode())
