"""What an entry means next to what else was taken within 24 hours, each with its source."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kratomlog.core import sources

CATEGORIES = (
    "alcohol",
    "opioid",
    "benzodiazepine",
    "gabapentinoid",
    "stimulant",
    "antidepressant",
    "antibiotic",
    "thyroid",
    "bisphosphonate",
    "supplement",
    "other",
)
DEPRESSANTS = ("alcohol", "opioid", "benzodiazepine", "gabapentinoid")
CYP3A_CLEARED = ("opioid", "benzodiazepine")  # many, not all, of these are cleared by CYP3A

MAGNESIUM_UPPER_LIMIT_MG = 350.0  # adults and children from 9 (NIH ODS), supplements only
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Intake:
    id: int
    at: datetime
    substance: str  # kratom, magnesium or other
    name: str
    category: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", self.at.astimezone(UTC))  # real elapsed time across DST


@dataclass(frozen=True)
class Notice:
    kind: str
    message: str
    source: str


def notices_for(new: Intake, nearby: Sequence[Intake], magnesium_today_mg: float) -> list[Notice]:
    """Interactions between `new` and intakes within 24 hours of it, and the magnesium limit."""
    notices = []
    for other in nearby:
        if other.id == new.id or abs(other.at - new.at) > WINDOW:
            continue
        notice = _pair(new, other) or _pair(other, new)
        if notice:
            notices.append(notice)
    if new.substance == "magnesium" and magnesium_today_mg > MAGNESIUM_UPPER_LIMIT_MG:
        notices.append(
            Notice(
                "magnesium_over_limit",
                f"{magnesium_today_mg:.0f} mg elemental magnesium from supplements today is "
                f"over the upper limit of {MAGNESIUM_UPPER_LIMIT_MG:.0f} mg; diarrhoea is the "
                f"common side effect, and with kidney disease ask a doctor first",
                str(sources.NIH_ODS_MAGNESIUM_UL),
            )
        )
    return notices


def _pair(first: Intake, second: Intake) -> Notice | None:
    if first.substance == "kratom" and second.category in DEPRESSANTS:
        return _kratom_with(second, first)
    if first.substance == "magnesium" and second.category in (
        "antibiotic",
        "thyroid",
        "bisphosphonate",
    ):
        return _magnesium_spacing(magnesium=first, medicine=second)
    return None


def _kratom_with(other: Intake, kratom: Intake) -> Notice:
    hours = abs(other.at - kratom.at).total_seconds() / 3600
    message = (
        f"kratom and {other.name} ({other.category}) within {hours:.0f} h of each other: "
        f"co-use raised the odds of hospital admission and serious outcomes"
    )
    source = str(sources.POST_2019)
    if other.category in CYP3A_CLEARED:
        message += (
            f"; kratom slows CYP3A, which clears many {other.category}s, so their levels can rise"
        )
        source += "; " + str(sources.TANNA_2023)
    return Notice("kratom_with_depressant", message, source)


def _magnesium_spacing(magnesium: Intake, medicine: Intake) -> Notice | None:
    gap_hours = (medicine.at - magnesium.at).total_seconds() / 3600  # > 0: medicine after
    if medicine.category == "antibiotic":
        too_close = -2 < gap_hours < 4
        advice = (
            "if it is a tetracycline or quinolone antibiotic, take it 2 h before or "
            "4-6 h after magnesium"
        )
    elif medicine.category == "thyroid":
        too_close = abs(gap_hours) < 4
        advice = "keep levothyroxine 4 h apart from magnesium"
    else:
        too_close = abs(gap_hours) < 2
        advice = "keep bisphosphonates 2 h or more apart from magnesium"
    if not too_close:
        return None
    return Notice(
        "magnesium_spacing",
        f"magnesium and {medicine.name} {abs(gap_hours):.1f} h apart: {advice}",
        str(sources.NIH_ODS_MAGNESIUM_SPACING),
    )
