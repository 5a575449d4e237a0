from datetime import datetime

from django import template

from kratomlog.core.days import stored_local
from kratomlog.core.rules import grams as grams_text

register = template.Library()


@register.filter
def when(moment: datetime | None, tz_name: str) -> str:
    """A moment in the person's zone, as people read it: Mon 30 Nov 2026 00:00."""
    if moment is None:
        return ""
    return stored_local(moment, tz_name).strftime("%a %d %b %Y %H:%M")


@register.filter
def grams(value: float | None) -> str:
    return "" if value is None else grams_text(value)


@register.filter
def humanise(kind: str) -> str:
    return kind.replace("_", " ")


@register.filter
def checkin_name(key: str) -> str:
    from kratomlog.core.instruments import INSTRUMENTS

    if key == "bam":
        return "BAM"
    return INSTRUMENTS[key].name if key in INSTRUMENTS else "Sleep diary"


@register.filter
def schedule_name(key: str) -> str:
    from kratomlog.checkins.schedule import NAMES

    return NAMES.get(key, key)


@register.filter
def field_label(field: str) -> str:
    from kratomlog.web.words import field_label as label

    return label(field)


@register.filter
def in_words(problem: str) -> str:
    from kratomlog.web.words import in_words as words

    return words(problem)


@register.filter
def sourced(text: str | None) -> str:
    """A citation, each of its sources linked to its entry on the Sources page."""
    from django.urls import reverse
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from kratomlog.core.sources import cited

    if not text:
        return ""
    page = reverse("sources")
    shown = [
        format_html('<a href="{}#{}">{}</a>', page, source.key, display)
        if source
        else format_html("{}", display)
        for display, source in cited(text)
    ]
    return mark_safe("; ".join(shown))  # each part escaped by format_html


@register.filter
def rule_kind(kind: str) -> str:
    from kratomlog.core.rules import KIND_WORDS

    return KIND_WORDS.get(kind, kind.replace("_", " "))


@register.filter
def as_recorded(entry: object) -> str:
    """An entry's amount as recorded: "2 capsules (1.5 g)", "2 drinks"."""
    from kratomlog.core.revisions import amount_text
    from kratomlog.journal.snapshots import snapshot

    return amount_text(snapshot(entry))  # type: ignore[arg-type]


@register.filter
def number(value: float | None) -> str:
    from kratomlog.core.revisions import number as plain

    return plain(value)


@register.filter
def revision(change: object, tz_name: str) -> str:
    from zoneinfo import ZoneInfo

    from kratomlog.core.revisions import described

    return described(
        change.action,  # type: ignore[attr-defined]
        change.before,  # type: ignore[attr-defined]
        change.after,  # type: ignore[attr-defined]
        ZoneInfo(tz_name),
    )


@register.filter
def hours(minutes: float | None) -> str:
    """Minutes asleep as a person reads them: 390 -> "6 h 30 min"."""
    if minutes is None:
        return ""
    whole = round(minutes)
    return f"{whole // 60} h {whole % 60:02d} min"
