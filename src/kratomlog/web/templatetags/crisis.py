"""The crisis box's one filter: every phone number in a contact becomes a tel: link."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from kratomlog.core.crisis import phone_parts

register = template.Library()


@register.filter
def phone_links(text: str) -> SafeString:
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<a href="{}">{}</a>', href, piece) if href else piece,)
            for piece, href in phone_parts(str(text))
        ),
    )
