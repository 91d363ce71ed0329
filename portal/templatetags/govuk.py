"""Render Django form fields with GOV.UK Frontend markup."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString, mark_safe

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
    elif kind == "checkbox":
        attrs["class"] = "govuk-checkboxes__input"
    return {
        "field": field,
        "kind": kind,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "widget": field.as_widget(attrs=attrs) if kind not in ("radios", "checkboxes") else "",
    }


@register.inclusion_tag("includes/govuk_error_summary.html")
def govuk_error_summary(form: forms.BaseForm) -> dict:
    """The list of problems at the top of a form, each linked to its field."""
    if not form.is_bound or not form.errors:
        return {"errors": []}
    errors = [("", message) for message in form.non_field_errors()]
    for field in form:
        # A group of radios or checkboxes is reached through its first option.
        anchor = field.auto_id + ("_0" if field_kind(field) in ("radios", "checkboxes") else "")
        for message in field.errors:
            errors.append((f"#{anchor}", message))
    return {"errors": errors}


@register.simple_tag
def js_enabled_script() -> SafeString:
    """The layout's inline script, byte for byte the text the CSP hash allows."""
    return mark_safe(f"<script>{JS_ENABLED}</script>")  # noqa: S308 - a constant, no input
