"""Personal data in templates, as residents.privacy decides: ``{{ name|name_for:user }}``,
``{{ phone|phone_for:user }}``."""

from django import template

from residents.privacy import shown_name, shown_phone

register = template.Library()


@register.filter
def name_for(name, user):
    return shown_name(user, name)


@register.filter
def phone_for(phone, user):
    return shown_phone(user, phone)
