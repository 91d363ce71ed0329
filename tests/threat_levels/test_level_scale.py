"""The threat levels' one ordered scale: each level darker than the one below, the same colours
on pages, chart and emails, and the level readable without colour (its name and "n of 5")."""

import re

import pytest

from tests.helpers import BASE_DIR, days_ago, record_change
from threat_levels.models import LEVEL_COLOURS, ThreatLevel


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_each_level_is_darker_than_the_one_below_it():
    backgrounds = [LEVEL_COLOURS[level][0] for level in ThreatLevel]
    shades = [luminance(colour) for colour in backgrounds]
    assert shades == sorted(shades, reverse=True)
    assert len(set(shades)) == len(shades)


def test_every_level_tag_has_aa_contrast():
    for level in ThreatLevel:
        background, text = LEVEL_COLOURS[level]
        assert contrast(background, text) >= 4.5, level


def test_the_stylesheet_uses_the_same_colours_as_the_emails():
    sass = (BASE_DIR / "assets/scss/_threat-level.scss").read_text()
    found = {
        name.upper(): (background.lower(), text.lower())
        for name, background, text in re.findall(
            r'"(\w+)": \((#[0-9a-fA-F]{6}), (#[0-9a-fA-F]{6})\)', sass
        )
    }
    assert found == {level: pair for level, pair in LEVEL_COLOURS.items()}


@pytest.mark.django_db
def test_the_banner_comes_first_and_reads_without_colour(client, national):
    record_change(national, "SUBSTANTIAL", days_ago(3))

    page = client.get("/").content.decode()

    banner = page.index('class="portal-threat-level"')
    assert banner < page.index('<header class="govuk-template__header">')
    assert "SUBSTANTIAL" in page[banner:] and "3 of 5" in page[banner:]
    # The five-step meter: three steps filled for the third level.
    meter = page[page.index("portal-level__meter", banner) :].split("</span></span>")[0]
    assert meter.count("portal-level__step--on") == 3
    assert meter.count('class="portal-level__step') == 5


@pytest.mark.django_db
def test_the_history_and_chart_use_the_scale(client, national, isl):
    record_change(national, "SEVERE", days_ago(40))
    record_change(national, "SUBSTANTIAL", days_ago(3))
    client.force_login(isl)

    page = client.get("/threat-level/").content.decode()

    assert "4 of 5" in page and "3 of 5" in page
    for level in ThreatLevel:
        assert f"portal-threat-chart__swatch--{level.lower()}" in page
