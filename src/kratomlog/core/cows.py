"""The Clinical Opiate Withdrawal Scale (COWS; Wesson and Ling 2003, J Psychoactive Drugs
35:253): 11 signs rated by a clinician, total 0-48.

An opioid withdrawal scale; kratom withdrawal resembles opioid withdrawal (Singh 2014; Smith
2022), so clinicians use it here for kratom withdrawal. It is not validated for kratom.
"""

from dataclasses import dataclass

from kratomlog.core.errors import InputError

SOURCE = "COWS (Wesson and Ling 2003, J Psychoactive Drugs 35:253); an opioid withdrawal scale"


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    options: tuple[tuple[int, str], ...]  # (score, what the clinician observes)


ITEMS = (
    Item("pulse", "Resting pulse rate", (
        (0, "80 or below"), (1, "81-100"), (2, "101-120"), (4, "over 120"))),
    Item("sweating", "Sweating (over the past half hour, not from room temperature or activity)", (
        (0, "no chills or flushing"), (1, "subjective chills or flushing"),
        (2, "flushed or observable moistness on face"), (3, "beads of sweat on brow or face"),
        (4, "sweat streaming off face"))),
    Item("restlessness", "Restlessness (observed during assessment)", (
        (0, "able to sit still"), (1, "reports difficulty sitting still, but is able to do so"),
        (3, "frequent shifting or extraneous movements of legs or arms"),
        (5, "unable to sit still for more than a few seconds"))),
    Item("pupils", "Pupil size", (
        (0, "pinned or normal size for room light"), (1, "possibly larger than normal"),
        (2, "moderately dilated"), (5, "so dilated that only the rim of the iris is visible"))),
    Item("aches", "Bone or joint aches (the additional component from withdrawal only)", (
        (0, "not present"), (1, "mild diffuse discomfort"),
        (2, "severe diffuse aching of joints or muscles"),
        (4, "rubbing joints or muscles and unable to sit still because of discomfort"))),
    Item("nose", "Runny nose or tearing (not from cold symptoms or allergies)", (
        (0, "not present"), (1, "nasal stuffiness or unusually moist eyes"),
        (2, "nose running or tearing"), (4, "nose constantly running or tears streaming"))),
    Item("gi", "GI upset (over the last half hour)", (
        (0, "no GI symptoms"), (1, "stomach cramps"), (2, "nausea or loose stool"),
        (3, "vomiting or diarrhoea"), (5, "multiple episodes of diarrhoea or vomiting"))),
    Item("tremor", "Tremor (observation of outstretched hands)", (
        (0, "no tremor"), (1, "tremor can be felt, but not observed"),
        (2, "slight tremor observable"), (4, "gross tremor or muscle twitching"))),
    Item("yawning", "Yawning (observed during assessment)", (
        (0, "no yawning"), (1, "yawning once or twice during assessment"),
        (2, "yawning three or more times during assessment"),
        (4, "yawning several times a minute"))),
    Item("anxiety", "Anxiety or irritability", (
        (0, "none"), (1, "reports increasing irritability or anxiousness"),
        (2, "obviously irritable or anxious"),
        (4, "so irritable or anxious that participation in the assessment is difficult"))),
    Item("gooseflesh", "Gooseflesh skin", (
        (0, "skin is smooth"), (3, "piloerection of skin can be felt or hairs standing up on arms"),
        (5, "prominent piloerection"))),
)  # fmt: skip
HIGHEST = sum(max(score for score, _ in item.options) for item in ITEMS)  # 48
BANDS = ((5, "mild"), (13, "moderate"), (25, "moderately severe"), (37, "severe"))


@dataclass(frozen=True)
class Rating:
    answers: tuple[int, ...]
    total: int
    band: str | None  # None below 5


def band_of(total: int) -> str | None:
    """5-12 mild, 13-24 moderate, 25-36 moderately severe, over 36 severe; below 5 none."""
    found = None
    for lowest, name in BANDS:
        if total >= lowest:
            found = name
    return found


def rate(answers: tuple[int, ...] | list[int]) -> Rating:
    """Score 11 item ratings, each one of its item's published options."""
    if len(answers) != len(ITEMS):
        raise InputError("cows", f"COWS has {len(ITEMS)} items; {len(answers)} were rated")
    for item, answer in zip(ITEMS, answers, strict=True):
        allowed = [score for score, _ in item.options]
        if answer not in allowed:
            raise InputError(
                f"cows {item.key}",
                f"{answer!r} is not a rating of {item.label.split(' (')[0].lower()}; "
                f"one of {', '.join(map(str, allowed))}",
            )
    total = sum(answers)
    return Rating(tuple(answers), total, band_of(total))
