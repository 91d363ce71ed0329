"""The threat-level timeline, drawn on the server as SVG geometry for a template.

Levels run up the y axis, years along the x axis from 2006 (when levels were
first published) to now; each scope is a step line with its own dash pattern,
so the lines can be told apart without colour.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from .models import ThreatLevel, ThreatLevelChange, ThreatLevelScope

FIRST_YEAR = 2006
WIDTH = 960
HEIGHT = 340
LEFT = 130  # room for the level names
RIGHT = 20
TOP = 20
BOTTOM = 50  # room for the years
SERIES_STYLES = 4


@dataclass
class Series:
    scope_name: str
    style: int
    path: str
    points: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    first_year: int
    last_year: int
    levels: list[tuple[str, float]]
    years: list[tuple[int, float, bool]]
    series: list[Series]


def _year_start(year: int) -> datetime:
    return timezone.make_aware(datetime(year, 1, 1))


def build_chart(
    history: list[tuple[ThreatLevelScope, list[ThreatLevelChange]]], now: datetime
) -> Chart:
    """Lay out the chart for `history`: each scope with its changes in force by `now`."""
    first_year = FIRST_YEAR
    for _, changes in history:
        for change in changes:
            first_year = min(first_year, timezone.localtime(change.effective_at).year)
    start = _year_start(first_year)
    last_year = timezone.localtime(now).year
    end = _year_start(last_year + 1)
    span = (end - start).total_seconds()
    plot_right = WIDTH - RIGHT
    plot_bottom = HEIGHT - BOTTOM
    step = (plot_bottom - TOP) / (len(ThreatLevel) - 1)

    def x(moment: datetime) -> float:
        return round(LEFT + (plot_right - LEFT) * (moment - start).total_seconds() / span, 1)

    def y(level: str) -> float:
        return round(plot_bottom - step * (ThreatLevel(level).rank - 1), 1)

    series = []
    for index, (scope, changes) in enumerate(history):
        in_force = sorted(
            (c for c in changes if c.effective_at <= now), key=lambda c: (c.effective_at, c.pk)
        )
        if not in_force:
            continue
        first = in_force[0]
        parts = [f"M{x(first.effective_at)} {y(first.level)}"]
        points = [(x(first.effective_at), y(first.level), _point_label(first))]
        for change in in_force[1:]:
            parts.append(f"H{x(change.effective_at)} V{y(change.level)}")
            points.append((x(change.effective_at), y(change.level), _point_label(change)))
        parts.append(f"H{x(now)}")
        series.append(
            Series(
                scope_name=scope.name,
                style=index % SERIES_STYLES + 1,
                path=" ".join(parts),
                points=points,
            )
        )

    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=plot_right,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        first_year=first_year,
        last_year=last_year,
        levels=[(level.label, y(level)) for level in ThreatLevel],
        # Every year gets a tick; every other year a label, so they do not crowd.
        years=[
            (year, x(_year_start(year)), (year - first_year) % 2 == 0)
            for year in range(first_year, last_year + 2)
        ],
        series=series,
    )


def _point_label(change: ThreatLevelChange) -> str:
    return f"{change.level} from {timezone.localtime(change.effective_at):%d %B %Y}"
