"""The Brief Addiction Monitor (BAM; Cacciola 2013, J Subst Abuse Treat 44:256), the US
Veterans Affairs' 17-item, past-30-days monitor, as its authors score it: each item 0-4, three
subscales (Use, Risk, Protective), no total, item 7 naming drugs and item 17 unscored.

kratomlog's adaptation: kratom is named where the BAM asks about drugs (items 6, 8, 9, 11)
and is one of item 7's drugs; item 7 records which drugs were used, not days for each (the
published 7A-7G ask days per drug and none of them is scored). The wording is otherwise the
published one.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from kratomlog.core import sources
from kratomlog.core.errors import InputError

DAYS = ("0", "1-3", "4-8", "9-15", "16-30")
HEALTH = ("Excellent", "Very good", "Good", "Fair", "Poor")
EXTENT = ("Not at all", "Slightly", "Moderately", "Considerably", "Extremely")
INCOME = ("No", "Yes")
DAY_BANDS = ((0, 0), (1, 3), (4, 8), (9, 15), (16, 30))  # the days items' bands, scored 0-4

USE, RISK, PROTECTIVE = "use", "risk", "protective"
SUBSCALES = {
    USE: (4, 5, 6),
    RISK: (1, 2, 3, 8, 11, 15),
    PROTECTIVE: (9, 10, 12, 13, 14, 16),
}
SUBSCALE_NAMES = {USE: "Use", RISK: "Risk", PROTECTIVE: "Protective"}
DRUGS_ITEM = 7
CRAVING_ITEM = 8
INCOME_ITEM = 14
ITEM_COUNT = 17

# Item 7's drugs: kratom first (kratomlog's addition), then the published 7A-7G.
DRUGS = {
    "kratom": "Kratom",
    "marijuana": "Marijuana (cannabis, pot, weed)",
    "sedatives": "Sedatives/Tranquilizers (e.g., benzos, Valium, Xanax, Ativan, Ambien, "
    "barbs, Phenobarbital, downers, etc.)",
    "cocaine": "Cocaine/Crack",
    "stimulants": "Other stimulants (amphetamine, methamphetamine, Dexedrine, Ritalin, "
    "Adderall, speed, crystal meth, ice, etc.)",
    "opiates": "Opiates (heroin, morphine, Dilaudid, Demerol, OxyContin, oxy, codeine, "
    "Tylenol #2/3/4, Percocet, Vicodin, fentanyl, etc.)",
    "inhalants": "Inhalants (glues/adhesives, nail polish remover, paint thinner, etc.)",
    "other": "Other drugs (steroids, non-prescription sleep/diet pills, Benadryl, Ephedra, "
    "other over-the-counter/unknown medications)",
}


@dataclass(frozen=True)
class Item:
    number: int  # as published, 1-17
    text: str
    choices: tuple[str, ...]  # the answer labels in the published order
    scores: tuple[int, ...]  # the score of each label; every item 0-4, income 0 or 4
    subscale: str | None  # None: item 7 (drugs) and item 17 (satisfaction), not scored
    short: str  # a few words for tables and alerts

    @property
    def days(self) -> bool:
        return self.choices == DAYS


def _item(number: int, text: str, choices: tuple[str, ...], short: str) -> Item:
    scores = (0, 4) if choices == INCOME else tuple(range(len(choices)))
    subscale = next((key for key, items in SUBSCALES.items() if number in items), None)
    return Item(number, text, choices, scores, subscale, short)


ITEMS = (
    _item(1, "In the past 30 days, would you say your physical health has been?", HEALTH,
          "physical health"),
    _item(2, "In the past 30 days, how many nights did you have trouble falling asleep or "
             "staying asleep?", DAYS, "trouble sleeping"),
    _item(3, "In the past 30 days, how many days have you felt depressed, anxious, angry or "
             "very upset throughout most of the day?", DAYS, "low or upset mood"),
    _item(4, "In the past 30 days, how many days did you drink ANY alcohol?", DAYS,
          "any alcohol"),
    _item(5, "In the past 30 days, how many days did you have at least 5 drinks (if you are a "
             "man) or at least 4 drinks (if you are a woman)? (One drink is one shot of hard "
             "liquor (1.5 oz.), one 12 ounce can or bottle of beer, or one 5 ounce glass of "
             "wine.)", DAYS, "heavy drinking"),
    _item(6, "In the past 30 days, how many days did you use kratom, any illegal/street drugs "
             "or abuse any prescription medications?", DAYS, "kratom or drugs"),
    _item(7, "In the past 30 days, which of the following drugs did you use?", (), "drugs used"),
    _item(8, "In the past 30 days, how much were you bothered by cravings or urges to drink "
             "alcohol, use kratom or use drugs?", EXTENT, "cravings"),
    _item(9, "How confident are you in your ability to be completely abstinent (clean) from "
             "alcohol, kratom and drugs in the next 30 days?", EXTENT, "confidence"),
    _item(10, "In the past 30 days, how many days did you attend self-help meetings like AA or "
              "NA to support your recovery?", DAYS, "self-help meetings"),
    _item(11, "In the past 30 days, how many days were you in any situations or with any "
              "people that might put you at an increased risk for using alcohol, kratom or "
              "drugs (around risky people, places, or things)?", DAYS, "risky situations"),
    _item(12, "Does your religion or spirituality help support your recovery?", EXTENT,
          "religion or spirituality"),
    _item(13, "In the past 30 days, how many days did you spend much of the time at work, "
              "school, or doing volunteer work?", DAYS, "work, school or volunteering"),
    _item(14, "Do you have enough income (from legal sources) to pay for necessities such as "
              "housing, transportation, food and clothing for yourself and your dependents?",
          INCOME, "enough income"),
    _item(15, "In the past 30 days, how much have you been bothered by arguments or problems "
              "getting along with any family members or friends?", EXTENT,
          "arguments with family or friends"),
    _item(16, "In the past 30 days, how many days were you in contact or spent time with any "
              "family members or friends who are supportive of your recovery?", DAYS,
          "time with supportive people"),
    _item(17, "How satisfied are you with your progress toward achieving your recovery goals?",
          EXTENT, "satisfaction with progress"),
)  # fmt: skip

NAME = "Brief Addiction Monitor (BAM)"
KEY = "bam"
INTRODUCTION = (
    "The following questions ask about several areas of your life such as your health, "
    "alcohol, kratom and drug use, thinking about the last 30 days."
)
ADAPTATION = (
    "Adapted for kratom: kratom is named where the BAM asks about drugs (items 6, 8, 9 and 11) "
    "and is one of item 7's drugs; item 7 records which drugs, not the days of each. "
    "Otherwise the published wording."
)
SOURCE = str(sources.BAM)

# Craving (item 8) "Considerably" or "Extremely" alerts the care team: kratomlog's own choice
# (sources.BAM_CRAVING_FLAG). The Risk and Protective thresholds quoted for the BAM (Risk 12 or
# more, Protective 12 or less) were seen only in a vendor's copy, not in the VA's guide: they
# are not shipped until that is confirmed.
CRAVING_FLAG = 3


@dataclass(frozen=True)
class BamScore:
    answers: tuple[int, ...]  # the 16 scored answers by item, item 7 left out: 1-6, 8-17
    drugs: tuple[str, ...]  # item 7: the keys of DRUGS, in DRUGS' order
    use: int
    risk: int
    protective: int

    def item(self, number: int) -> int:
        """The score of item `number` (1-17, not 7)."""
        if number == DRUGS_ITEM:
            raise ValueError("item 7 names drugs; it has no score")
        return self.answers[number - 1 if number < DRUGS_ITEM else number - 2]

    @property
    def subscales(self) -> dict[str, int]:
        return {USE: self.use, RISK: self.risk, PROTECTIVE: self.protective}

    def stored(self) -> list[int | list[str]]:
        """The 17 answers as the API takes them and the journal keeps them."""
        values: list[int | list[str]] = list(self.answers)
        values.insert(DRUGS_ITEM - 1, list(self.drugs))
        return values

    @property
    def flags(self) -> tuple[int, ...]:
        """The items that raise an alert: craving (item 8) at 3 or more."""
        return (CRAVING_ITEM,) if self.item(CRAVING_ITEM) >= CRAVING_FLAG else ()


def days_score(days: int) -> int:
    """The score of a days item for a number of days in the past 30 (0..30 inclusive)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 30:
        raise InputError("days", f"{days!r}; a whole number of days from 0 to 30")
    return next(n for n, (low, high) in enumerate(DAY_BANDS) if low <= days <= high)


def accepted(item: Item) -> str:
    """The accepted form of one item's answer, in words."""
    if item.number == DRUGS_ITEM:
        return f"a list of drug names, possibly empty, from: {', '.join(DRUGS)}"
    if item.number == INCOME_ITEM:
        return "0 (no) or 4 (yes)"
    labels = ", ".join(f"{n} = {label}" for n, label in enumerate(item.choices))
    return f"a whole number from 0 to 4 ({labels})"


def _drugs(value: object, field: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise InputError(field, f"item 7 is {value!r}; {accepted(ITEMS[DRUGS_ITEM - 1])}")
    unknown = [name for name in value if not isinstance(name, str) or name not in DRUGS]
    if unknown:
        raise InputError(field, f"item 7 names {unknown[0]!r}; {accepted(ITEMS[DRUGS_ITEM - 1])}")
    return tuple(key for key in DRUGS if key in value)


def score(answers: Sequence[object], field: str = "answers") -> BamScore:
    """17 answers in order: item scores 0-4 (item 14: 0 or 4), item 7 a list of drug names."""
    if isinstance(answers, str) or len(answers) != ITEM_COUNT:
        given = "text" if isinstance(answers, str) else f"{len(answers)} answers"
        raise InputError(
            field,
            f"the BAM has 17 items; {given} given (item scores 0-4 in order, item 7 a list "
            f"of drug names)",
        )
    scored: list[int] = []
    for item, value in zip(ITEMS, answers, strict=True):
        if item.number == DRUGS_ITEM:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.scores:
            raise InputError(field, f"item {item.number} is {value!r}; {accepted(item)}")
        scored.append(value)
    drugs = _drugs(answers[DRUGS_ITEM - 1], field)

    def total(numbers: tuple[int, ...]) -> int:
        return sum(scored[n - 1 if n < DRUGS_ITEM else n - 2] for n in numbers)

    return BamScore(
        tuple(scored), drugs, total(SUBSCALES[USE]), total(SUBSCALES[RISK]),
        total(SUBSCALES[PROTECTIVE]),
    )  # fmt: skip


def parse_answers(text: str, field: str = "--answers") -> BamScore:
    """ "1,2,1,0,0,2,kratom+opiates,3,..." from the command line: item 7 is drug names joined
    by "+", or "none"."""
    parts = [part.strip() for part in text.split(",")]
    values: list[object] = []
    for position, part in enumerate(parts, start=1):
        if position == DRUGS_ITEM:
            names = [] if part.lower() in ("", "none", "-") else part.lower().split("+")
            values.append([name.strip() for name in names])
        elif part.isascii() and part.isdigit() and len(part) <= 3:
            values.append(int(part))
        else:
            values.append(part)
    return score(values, field)
