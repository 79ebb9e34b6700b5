"""Template helpers shared by every page."""

from django import forms, template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.money import format_wan

register = template.Library()


@register.simple_tag
def column_value(obj, accessor):
    """Follow a dotted accessor (calling methods on the way) and return what is at its end."""
    value = obj
    for part in accessor.split("."):
        value = getattr(value, part, None)
        if callable(value):
            value = value()
        if value is None:
            return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


@register.simple_tag
def object_url(url_prefix, action, obj=None):
    name = f"{url_prefix}_{action}"
    return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)


@register.simple_tag(takes_context=True)
def sort_query(context, key):
    """The query string that sorts by ``key``, toggling the direction when it already does."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if query.get("sort") == key else key
    return query.urlencode()


@register.filter
def bootstrap(bound_field):
    """Render a form field with Bootstrap's classes; invalid fields are marked for screen readers too."""
    widget = bound_field.field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return _check_list(bound_field)
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    # Keep the classes the form gave its widget (text-end on amounts): Bootstrap's come first.
    own = widget.attrs.get("class", "")
    attrs = {"class": " ".join(filter(None, [css, own, "is-invalid" if bound_field.errors else ""]))}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    return bound_field.as_widget(attrs=attrs)


def _check_list(bound_field):
    """A list of checkboxes or radio buttons as Bootstrap's .form-check rows: the class belongs on
    each input, not on the list (it would squeeze the whole list into a checkbox's width)."""
    css = "form-check-input" + (" is-invalid" if bound_field.errors else "")
    options = list(bound_field.subwidgets)
    for option in options:
        option.data["attrs"] = {**option.data["attrs"], "class": css}
    rows = format_html_join(
        "",
        '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>',
        ((option.tag(wrap_label=False), option.id_for_label, option.choice_label) for option in options),
    )
    return format_html('<div id="{}">{}</div>', bound_field.auto_id, rows)


@register.filter
def wan(value, places=2):
    """元 or m² → 万元 / 万平方米: 1234567 → 123.46; 24 → 0.0024 (never 0.00); empty → — (core.money)."""
    return format_wan(value, places)


@register.filter
def mask_phone(value):
    """13812341234 → 138****1234; shorter numbers keep only their last four digits."""
    text = str(value or "")
    if len(text) >= 11:
        return f"{text[:3]}****{text[-4:]}"
    if len(text) > 4:
        return "*" * (len(text) - 4) + text[-4:]
    return text


@register.simple_tag
def yes_no(value):
    return _("yes") if value else _("no")


@register.filter(is_safe=True)
def tab_title(page_title):
    """The browser tab's title: "首页 · 城镇老旧小区改造管理平台", or the portal's name alone."""
    site = _("Old Compound Renovation Portal")
    page_title = " ".join(str(page_title).split())
    return f"{page_title} · {site}" if page_title else site
