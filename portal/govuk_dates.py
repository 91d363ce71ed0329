"""Dates typed the GOV.UK way: day, month and year boxes, and a time in 24-hour hours and minutes.

The boxes are named <name>-day, <name>-month and <name>-year (and <name>-time), as the GOV.UK
Design System names them. A single ISO value under <name> itself (2026-03-27, or
2026-03-27T14:30) is read too, so that links and scripts written before the boxes keep working.
The boxes are drawn by the govuk_field template tag (portal/templatetags/govuk.py).
"""

import re
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import from_current_timezone
from django.utils import timezone

DATE_PARTS = ("day", "month", "year")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.]?([0-5][0-9])")


class DateInput(forms.Widget):
    """Day, month and year boxes. Their value is what was typed in each, or the ISO text."""

    parts: tuple[str, ...] = DATE_PARTS

    def value_from_datadict(self, data, files, name: str) -> dict[str, str] | str | None:
        typed = {part: data.get(f"{name}-{part}") for part in self.parts}
        if any(value is not None for value in typed.values()):
            return {part: value or "" for part, value in typed.items()}
        return data.get(name)

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return name not in data and all(f"{name}-{part}" not in data for part in self.parts)

    def boxes(self, value) -> dict[str, str]:
        """What each box shows: what the person typed, or the parts of a date already known."""
        if isinstance(value, dict):
            return {part: str(value.get(part, "")) for part in self.parts}
        if isinstance(value, str) and value:
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = None
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            shown = {"time": f"{value:%H:%M}"}
            value = value.date()
        else:
            shown = {}
        if isinstance(value, date):
            shown.update(day=str(value.day), month=str(value.month), year=str(value.year))
        return {part: shown.get(part, "") for part in self.parts}


class DateTimeInput(DateInput):
    """Day, month and year boxes and a time box."""

    parts = (*DATE_PARTS, "time")


def _date_from_boxes(label: str, typed: dict[str, str]) -> date | None:
    day, month, year = (typed.get(part, "").strip() for part in DATE_PARTS)
    if not (day or month or year):
        return None
    missing = [
        part for part, value in zip(DATE_PARTS, (day, month, year), strict=True) if not value
    ]
    if missing:
        raise ValidationError(f"{label} must include a {' and '.join(missing)}", code="incomplete")
    if year.isascii() and year.isdigit() and len(year) != 4:
        raise ValidationError(f"{label} must have a year of 4 numbers, like 2026", code="year")
    number = MONTHS.get(month.lower()) or (int(month) if _is_number(month) else None)
    try:
        if not (_is_number(day) and _is_number(year) and number):
            raise ValueError
        return date(int(year), number, int(day))
    except (ValueError, OverflowError):
        raise ValidationError(f"{label} must be a real date", code="invalid") from None


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


class DateField(forms.Field):
    """A date typed in the GOV.UK date input."""

    widget = DateInput

    def __init__(self, *, label: str, called: str = "", **kwargs) -> None:
        """`called` is what the messages call the date ("The date it takes effect"): the
        label unless given."""
        self.called = called or label
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        kwargs["error_messages"] = {
            "required": f"Enter {self.called[0].lower()}{self.called[1:]}",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(label=label, **kwargs)

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(
                    f"{self.called} must be a real date", code="invalid"
                ) from None
        return _date_from_boxes(self.called, value)


class DateTimeField(DateField):
    """A moment typed as a date in the GOV.UK date input and a 24-hour time, UK time."""

    widget = DateTimeInput

    def __init__(self, *, label: str, **kwargs) -> None:
        kwargs.setdefault("help_text", "For example, 27 3 2026 and 14:30 (24-hour clock)")
        super().__init__(label=label, **kwargs)

    def to_python(self, value) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(
                    f"{self.called} must be a real date", code="invalid"
                ) from None
            return moment if timezone.is_aware(moment) else from_current_timezone(moment)
        day = _date_from_boxes(self.called, value)
        typed_time = value.get("time", "").strip()
        if day is None:
            if typed_time:
                raise ValidationError(f"{self.called} must include a date", code="incomplete")
            return None
        if not typed_time:
            raise ValidationError(
                f"{self.called} must include a time, like 14:30", code="incomplete"
            )
        found = TIME.fullmatch(typed_time)
        if found is None:
            raise ValidationError(
                f"{self.called} must have a real time on the 24-hour clock, like 14:30",
                code="invalid_time",
            )
        hour, minute = int(found[1]), int(found[2])
        try:
            return from_current_timezone(datetime.combine(day, time(hour, minute)))
        except ValidationError:
            raise ValidationError(
                f"{self.called}: {hour:02}:{minute:02} on that day does not exist in UK time, "
                "or happens twice, as the clocks change. Choose another time",
                code="clocks_change",
            ) from None
