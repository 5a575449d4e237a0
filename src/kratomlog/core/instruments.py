"""Questionnaires: PHQ-9 and GAD-7 as published (free to use, Pfizer), our own kratom withdrawal
check-in (not a validated scale), and craving 0-10. Scoring and bands from FACTS.md section 4."""

from collections.abc import Sequence
from dataclasses import dataclass

from kratomlog.core import sources
from kratomlog.core.errors import InputError

# Recovery activities a person records beside the check-ins.
ACTIVITIES = ("counselling", "therapy", "support-group", "exercise")

FREQUENCY = ("Not at all", "Several days", "More than half the days", "Nearly every day")
SEVERITY = ("None", "Mild", "Moderate", "Severe", "Extreme")


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str
    question: str
    items: tuple[str, ...]
    choices: tuple[str, ...]  # the answer labels, scored 0, 1, 2...
    bands: tuple[tuple[int, str], ...]  # (lowest total, band), ascending
    source: str
    validated: bool = True

    @property
    def highest(self) -> int:
        """The highest answer to one item."""
        return len(self.choices) - 1

    @property
    def most(self) -> int:
        """The highest total: PHQ-9 27, GAD-7 21, the withdrawal check-in 44, craving 10."""
        return self.highest * len(self.items)

    @property
    def scale(self) -> str:
        """The range of its totals as a chart's title gives it: "0-27"."""
        return f"0-{self.most}"

    def band(self, total: int) -> str | None:
        found = None
        for lowest, name in self.bands:
            if total >= lowest:
                found = name
        return found


PHQ9 = Instrument(
    "phq9",
    "PHQ-9",
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    (
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    FREQUENCY,
    ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "moderately severe"), (20, "severe")),
    "PHQ-9, Kroenke 2001, J Gen Intern Med 16:606 (free to use, Pfizer)",
)

GAD7 = Instrument(
    "gad7",
    "GAD-7",
    "Over the last 2 weeks, how often have you been bothered by the following problems?",
    (
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ),
    FREQUENCY,
    ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")),
    "GAD-7, Spitzer 2006, Arch Intern Med 166:1092 (free to use, Pfizer)",
)

WITHDRAWAL = Instrument(
    "withdrawal",
    "Kratom withdrawal check-in",
    "Today, how much have you had each of these?",
    (
        "Fatigue",
        "Restlessness",
        "Chills or hot flashes",
        "Runny eyes or nose",
        "Diarrhoea or stomach upset",
        "Irritability or anger",
        "Muscle or bone aches",
        "Trouble sleeping",
        "Low mood",
        "Anxiety",
        "Craving",
    ),
    SEVERITY,
    (),
    str(sources.WITHDRAWAL_CHECKIN),
    validated=False,
)

CRAVING = Instrument(
    "craving",
    "Craving",
    "Right now, how strong is your craving for kratom, from 0 (not at all) to 10 (extremely)?",
    ("Craving",),
    tuple(str(n) for n in range(11)),
    (),
    "a craving scale, 0 to 10 (craving visual analogue scale); no norms",
    validated=False,
)

INSTRUMENTS = {instrument.key: instrument for instrument in (PHQ9, GAD7, WITHDRAWAL, CRAVING)}
SELF_HARM_ITEM = 8  # PHQ-9 item 9, counted from 0


@dataclass(frozen=True)
class Score:
    instrument: str
    answers: tuple[int, ...]
    total: int
    band: str | None
    self_harm: bool  # PHQ-9 item 9 above 0: crisis resources at once, whatever the total


def instrument(key: str) -> Instrument:
    found = INSTRUMENTS.get(key)
    if found is None:
        raise InputError("INSTRUMENT", f"{key!r}; use one of {', '.join(INSTRUMENTS)}")
    return found


def parse_answers(text: str, chosen: Instrument) -> tuple[int, ...]:
    """ "1,0,2,..." into answers, each checked against the instrument's scale."""
    parts = [part.strip() for part in text.replace(" ", ",").split(",") if part.strip()]
    answers = []
    for position, part in enumerate(parts, start=1):
        # "²" is a digit to str.isdigit; a thousand digits would be slow to read as a number
        if not (part.isascii() and part.isdigit()) or len(part) > 3:
            raise InputError(
                "--answers",
                f"answer {position} is {part!r}, not a whole number from 0 to {chosen.highest}",
            )
        answers.append(int(part))
    return score(chosen, answers).answers


def score(chosen: Instrument, answers: Sequence[int]) -> Score:
    if len(answers) != len(chosen.items):
        raise InputError(
            "--answers",
            f"{chosen.name} has {len(chosen.items)} item"
            f"{'s' if len(chosen.items) != 1 else ''}; {len(answers)} "
            f"answer{'s were' if len(answers) != 1 else ' was'} given",
        )
    for position, answer in enumerate(answers, start=1):
        if (
            isinstance(answer, bool)
            or not isinstance(answer, int)
            or not 0 <= answer <= chosen.highest
        ):
            raise InputError(
                "--answers",
                f"answer {position} is {answer!r}; {chosen.name} answers "
                f"run from 0 to {chosen.highest}",
            )
    total = sum(answers)
    self_harm = chosen is PHQ9 and answers[SELF_HARM_ITEM] > 0
    return Score(chosen.key, tuple(answers), total, chosen.band(total), self_harm)
