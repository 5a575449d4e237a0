"""The printable report of one patient over a period: a PDF made with WeasyPrint, for the record.

The same numbers and SVG charts as the patient page, laid out for A4.
"""

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string

from kratomlog.clinic.care_plans import author_name


def render_pdf(course: dict[str, Any], clinician: Any, now: datetime) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only the report needs

    html = render_to_string(
        "clinic/staff/report.html",
        {**course, "made_by": author_name(clinician), "made_at": now},
    )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
