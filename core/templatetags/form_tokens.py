"""``{% csrf_token %}`` that also gives the form its one-time submission token.

Loaded as a template builtin (settings.TEMPLATES), after Django's own, so every POST form the portal
renders (they all carry ``{% csrf_token %}``) gets a fresh token each time it is rendered, without
JavaScript and without a tag of its own. A form shown again with its errors is rendered again, so it
gets a new token and can be corrected and sent. See ``core.submissions``.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from core.submissions import FIELD_NAME, new_token

register = template.Library()


class FormTokensNode(template.Node):
    def render(self, context):
        csrf = CsrfTokenNode().render(context)
        if not csrf:
            return csrf  # rendered without a request (an e-mail, a PDF): no form is posted from it
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_token())


@register.tag
def csrf_token(parser, token):
    return FormTokensNode()
