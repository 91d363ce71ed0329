"""Render Django form fields with GOV.UK Frontend markup."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString, mark_safe

from portal.govuk_dates import DateInput
from portal.inline_scripts import JS_ENABLED

register = template.Library()

INPUT_CLASSES = {
    "input": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
}


def field_kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, DateInput):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect, so it is asked about first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.inclusion_tag("includes/govuk_field.html")
def govuk_field(field: BoundField) -> dict:
    kind = field_kind(field)
    hint_id = f"{field.auto_id}-hint" if field.help_text else ""
    error_id = f"{field.auto_id}-error" if field.errors else ""
    described_by = " ".join(part for part in (hint_id, error_id) if part)
    attrs: dict[str, str] = {}
    if described_by:
        attrs["aria-describedby"] = described_by
    if kind in INPUT_CLASSES:
        css = INPUT_CLASSES[kind]
        attrs["class"] = f"{css} {css}--error" if field.errors else css
        # A width the form gives the box (govuk-input--width-4) is kept.
        if own := field.field.widget.attrs.get("class"):
            attrs["class"] += f" {own}"
    elif kind == "checkbox":
        attrs["class"] = "govuk-checkboxes__input"
    return {
        "field": field,
        "kind": kind,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "boxes": date_boxes(field) if kind == "date" else [],
        "widget": "" if kind in ("radios", "checkboxes", "date") else field.as_widget(attrs=attrs),
    }


DATE_BOXES = {
    "day": ("Day", "govuk-input--width-2"),
    "month": ("Month", "govuk-input--width-2"),
    "year": ("Year", "govuk-input--width-4"),
    "time": ("Time (24-hour)", "govuk-input--width-4"),
}


def date_boxes(field: BoundField) -> list[dict[str, str]]:
    """The boxes of a GOV.UK date input, each with what it shows."""
    shown = field.field.widget.boxes(field.value())
    return [
        {
            "name": f"{field.html_name}-{part}",
            "id": f"{field.auto_id}-{part}",
            "label": DATE_BOXES[part][0],
            "width": DATE_BOXES[part][1],
            "value": value,
            "inputmode": "" if part == "time" else "numeric",
        }
        for part, value in shown.items()
    ]


@register.inclusion_tag("includes/govuk_error_summary.html")
def govuk_error_summary(form: forms.BaseForm) -> dict:
    """The list of problems at the top of a form, each linked to its field."""
    if not form.is_bound or not form.errors:
        return {"errors": []}
    errors = [("", message) for message in form.non_field_errors()]
    for field in form:
        # A group of radios or checkboxes is reached through its first option.
        # A date input through its day box.
        kind = field_kind(field)
        anchor = field.auto_id + {"radios": "_0", "checkboxes": "_0", "date": "-day"}.get(kind, "")
        for message in field.errors:
            errors.append((f"#{anchor}", message))
    return {"errors": errors}


@register.simple_tag
def js_enabled_script() -> SafeString:
    """The layout's inline script, byte for byte the text the CSP hash allows."""
    return mark_safe(f"<script>{JS_ENABLED}</script>")  # noqa: S308 - a constant, no input
