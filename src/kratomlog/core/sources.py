"""Where each number and recommendation kratomlog ships comes from, in one place.

Each shell shows these next to the number they back and links them to their entry on the
Sources page (`kratomlog sources`), which says in plain words what each source is, what it
supports here and how strong it is. Where a threshold is kratomlog's own choice, its entry
says so: a number without a source is never passed off as having one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str  # its entry on the Sources page: /sources#key
    citation: str  # how it is named beside the number it backs
    evidence: str  # how strong it is, in a few words
    what: str  # what the source is, in plain words
    supports: str  # what kratomlog uses it for

    def __str__(self) -> str:
        return f"{self.citation} ({self.evidence})"


_SELF_HELP = (
    "A self-help text by one kratom user, among the three documents kratomlog started from. "
    "It gives its author's own usage guidelines; none of it comes from a study."
)
_LOW_DOSE_ARTICLES = (
    "Two web articles among the three documents kratomlog started from: one on low-dose kratom "
    "with magnesium in opioid recovery, which cites a 2019 trial that cannot be found (no "
    "randomised trial of this exists), and one on kratom for sleep, whose claim of sleep "
    "without dependence risk is unsupported. Their '1-3 grams' matches the most common dose "
    "among surveyed users (Garcia-Romeu 2020, Drug Alcohol Depend 208:107849), which is a "
    "survey figure, not a safety threshold."
)
_OWN = "A threshold kratomlog chose itself; no study backs the exact number."

SELF_HELP_GUIDELINES = Source(
    "self-help-guidelines",
    "a self-help text by one kratom user: 'not more than once a week', 'preferably once or "
    "twice a month'",
    "one user's guideline, not established by clinical trials",
    _SELF_HELP,
    "the 'occasional' preset: at most 1 use day in any 7, at most 2 in any 30",
)
SELF_HELP_BREAK = Source(
    "self-help-break",
    "a self-help text by one kratom user: if it ever becomes hard to stay within one's "
    "guidelines, stop 'for a minimum of 3 months'",
    "one user's guideline, not established by clinical trials",
    _SELF_HELP,
    "the 'break-90' preset and what the loss-of-control signal suggests",
)
SELF_HELP_TOLERANCE = Source(
    "self-help-tolerance",
    "a self-help text by one kratom user: heavy regular use builds tolerance, 'one needs to "
    "use more'",
    "one user's report, not established by clinical trials",
    _SELF_HELP,
    "the reason the escalation signal looks for more grams or more use days",
)
SELF_HELP_COURSE = Source(
    "self-help-withdrawal-course",
    "a self-help text by one kratom user: withdrawal after heavy use lasts about 4 to 5 days",
    "one user's figure, unconfirmed in peer-reviewed work",
    _SELF_HELP,
    "shown beside a stop's withdrawal course as that text's claim; no rule depends on it",
)
LOW_DOSE_ARTICLES = Source(
    "low-dose-articles",
    "two web articles: 'around 1-3 grams'; 1-3 g is also the most common dose among surveyed "
    "users (Garcia-Romeu 2020, Drug Alcohol Depend 208:107849)",
    "not established by clinical trials; a survey figure is not a safety threshold",
    _LOW_DOSE_ARTICLES,
    "the 'ceiling-3g-a-dose' preset: a ceiling of 3 g on a single dose, never a suggested dose",
)
ROGERS_2024 = Source(
    "rogers-2024",
    "Rogers 2024, Drug Alcohol Depend 111329: withdrawal and use-disorder symptoms track "
    "how often kratom is used more than how much",
    "survey evidence",
    "A peer-reviewed survey of people who use kratom.",
    "the frequent-use signal and why fewer use days are suggested",
)
TANNA_2023 = Source(
    "tanna-2023",
    "Tanna 2023, Clin Pharmacol Ther 113:1315: 2 g kratom tea raised midazolam exposure "
    "1.39x (CYP3A); Tanna 2021, JPET 376:64",
    "a clinical interaction study and in-vitro data",
    "A clinical study in healthy adults and the laboratory work before it.",
    "interaction notices for medicines cleared by CYP3A (many benzodiazepines and opioids)",
)
POST_2019 = Source(
    "post-2019",
    "Post 2019, Clin Toxicol 57:847: co-use with other substances raised the odds of "
    "hospital admission (OR 2.80) and serious outcome (OR 2.25); Olsen 2019, MMWR 68:326",
    "poison-centre and mortality data",
    "An analysis of US poison-centre calls, and a CDC report on overdose deaths.",
    "interaction notices when kratom is taken near alcohol, opioids or sedatives",
)
NIH_ODS_MAGNESIUM_UL = Source(
    "nih-ods-magnesium-limit",
    "NIH Office of Dietary Supplements: upper limit for supplemental magnesium 350 mg/day "
    "from age 9 (supplements and medicines, not food)",
    "secondary source",
    "The US National Institutes of Health's fact sheet on magnesium.",
    "the 350 mg a day line for magnesium from supplements",
)
NIH_ODS_MAGNESIUM_SPACING = Source(
    "nih-ods-magnesium-spacing",
    "NIH Office of Dietary Supplements: separate magnesium from tetracycline and quinolone "
    "antibiotics (2 h before or 4-6 h after), bisphosphonates (2 h or more) and "
    "levothyroxine (4 h)",
    "secondary source",
    "The US National Institutes of Health's fact sheet on magnesium.",
    "notices when magnesium is taken near those medicines",
)
MAGNESIUM_FRACTIONS = Source(
    "magnesium-fractions",
    "elemental magnesium by mass of the compound",
    "stoichiometry",
    "Chemistry: the share of each compound's mass that is magnesium (oxide 60.3%, citrate "
    "16.2%, bisglycinate 14.1%, chloride hexahydrate 12.0%, sulfate heptahydrate 9.9%).",
    "turning milligrams of a compound into elemental magnesium",
)
PHQ9_ITEM_9 = Source(
    "phq9-item-9",
    "PHQ-9 item 9 (Kroenke 2001, J Gen Intern Med 16:606)",
    "a validated questionnaire",
    "The PHQ-9 depression questionnaire; its item 9 asks about thoughts of self-harm. The "
    "crisis resources are the US 988 Lifeline, 911 and SAMHSA's helpline, with "
    "findahelpline.com for other countries, unless you set your own.",
    "showing crisis resources at once whenever item 9 is above 0, whatever the total",
)
WITHDRAWAL_CHECKIN = Source(
    "withdrawal-checkin",
    "kratomlog's own check-in, covering the symptoms in the literature (Singh 2014, Drug "
    "Alcohol Depend 139:132; Smith 2022, J Addict Med 16:666)",
    "not a validated scale",
    "kratomlog's own list of withdrawal symptoms, each scored 0-4, drawn from two "
    "peer-reviewed descriptions of kratom withdrawal.",
    "the withdrawal check-in and the withdrawal-persisting signal",
)
ESCALATION_RULE = Source(
    "escalation-rule",
    "kratomlog's own threshold: grams per use day up by a quarter, or use days up by half "
    "and 3 more, in the last 14 days against the 14 before",
    "a heuristic, not a validated measure",
    _OWN,
    "the escalation signal",
)
LOSS_OF_CONTROL_RULE = Source(
    "loss-of-control-rule",
    "kratomlog's own rule: limits broken on two or more days within 30 days, or any use "
    "during a break",
    "a heuristic, not a validated measure",
    _OWN + " It reads the self-help text's 'if it ever becomes hard to stay within one's "
    "guidelines' as limits broken more than once in a month.",
    "the loss-of-control signal",
)
FREQUENT_USE_RULE = Source(
    "frequent-use-rule",
    "kratomlog's own threshold: 5 or more use days in the last 7",
    "a heuristic, not a validated measure",
    _OWN + " It puts Rogers 2024's finding (frequency matters more than amount) into a number.",
    "the frequent-use signal",
)
LARGE_DOSE = Source(
    "large-dose-check",
    "kratomlog's own choice: a single dose over 15 g is checked with you, one over 50 g "
    "is recorded only once you confirm it",
    "a guard against typing mistakes, not a safety threshold",
    _OWN + " 15 g is several times the most common surveyed dose; 50 g is past any dose "
    "reported in the surveys kratomlog cites, so it is almost surely a typo.",
    "the 'check it is the amount you meant' warning and the confirmation over 50 g",
)
CHECKIN_SCHEDULE = Source(
    "checkin-schedule",
    "kratomlog's own schedule: withdrawal and craving each evening after 6 pm, PHQ-9 and "
    "GAD-7 every 14 days (the period their questions ask about), the sleep diary each "
    "morning during a taper or break",
    "kratomlog's own choice",
    _OWN + " PHQ-9 and GAD-7 ask about the past two weeks, which sets their interval; the "
    "Consensus Sleep Diary is meant to be filled in each morning (Carney 2012, Sleep 35:287).",
    "what Today lists as due",
)
KITCHEN_SCALE = Source(
    "kitchen-scale",
    "kratomlog's own choice: taper steps rounded to 0.1 g, what a kitchen scale measures",
    "kratomlog's own choice",
    _OWN,
    "the rounding of a taper's daily allowances",
)
HOLD_OR_STEP_BACK = Source(
    "hold-or-step-back",
    "kratomlog's own choice: after a hard week a taper step may be held for more days, or the "
    "taper may go back to the previous step's allowance, offered as choices and never made "
    "automatically",
    "kratomlog's own choice",
    _OWN,
    "the two changes offered beside the taper review (hold a step, step back)",
)
RELIABLE_CHANGE = Source(
    "reliable-change",
    "NHS Talking Therapies manual: PHQ-9 a change of 6 or more is reliable, caseness 10 or "
    "more; GAD-7 a change of 4 or more, caseness 8 or more (Jacobson & Truax 1991, J Consult "
    "Clin Psychol 59:12; Ronk 2016)",
    "secondary source; the method is established",
    "England's routine outcome reporting for talking therapies, and the reliable change "
    "method it uses: a change counts only when it is larger than the questionnaire's own "
    "measurement error. No such value is published for kratomlog's withdrawal check-in, for "
    "craving or for the BAM, so their change is shown without a category.",
    "'recovered', 'improved', 'no reliable change' and 'deteriorated' beside PHQ-9 and GAD-7",
)
DOSE_ADJUSTMENT = Source(
    "dose-adjustment",
    "NIDA Clinical Trials Network consensus on dose adjustment (Addiction Science & Clinical "
    "Practice 2024): track withdrawal, use, the effects of use, craving and side effects",
    "expert consensus",
    "A consensus of clinicians and researchers of the US National Institute on Drug Abuse's "
    "trials network on what to watch when a dose of opioid treatment is adjusted. kratomlog "
    "reads it for a kratom taper, which it was not written for.",
    "the taper review's columns: withdrawal and craving check-ins, grams and doses a day, sleep "
    "and PHQ-9 as effects, and the notes recorded in each step",
)

BAM = Source(
    "bam",
    "Brief Addiction Monitor, Cacciola 2013, J Subst Abuse Treat 44:256 (US Veterans Affairs); "
    "adapted to name kratom",
    "a published monitoring instrument; no published thresholds confirmed",
    "A 17-item check-in on the past 30 days developed at the US Veterans Affairs (Philadelphia "
    "VA and the University of Pennsylvania); the Philadelphia VA's manual for it is written for "
    "non-VA clinicians too. No licence statement was found: as a US government work it is "
    "taken to be free to use, not confirmed in writing. Each item is scored 0-4 (the days "
    "items banded 0, 1-3, 4-8, 9-15, 16-30; income no 0, "
    "yes 4; none reverse-keyed); its authors read it item by item and through three subscales: "
    "Use (items 4, 5, 6), Risk (1, 2, 3, 8, 11, 15) and Protective (9, 10, 12, 13, 14, 16), "
    "with no total. Weekly on a phone its answers predicted a lapse in the following week "
    "(Chih 2014, J Subst Abuse Treat 46:29). kratomlog names kratom where it asks about drugs. "
    "The cut-offs quoted for it (Risk 12 or more, Protective 12 or less) were found only in a "
    "vendor's copy, not in the VA's own guide, so kratomlog does not ship them; no reliable "
    "change value is published, so its change is shown without a category.",
    "the BAM check-in, its subscales and their trends",
)
BAM_CRAVING_FLAG = Source(
    "bam-craving-flag",
    "kratomlog's own threshold: BAM cravings (item 8) 'Considerably' or 'Extremely' alert the "
    "care team",
    "a heuristic, not a validated measure",
    _OWN + " A-CHESS alerted counsellors on red-flag answers of a BAM-derived weekly check-in "
    "(Gustafson 2014, JAMA Psychiatry 71:566); the cut at the upper two of five answers is "
    "kratomlog's.",
    "the bam_flag alert",
)

ALL = (
    SELF_HELP_GUIDELINES,
    SELF_HELP_BREAK,
    SELF_HELP_TOLERANCE,
    SELF_HELP_COURSE,
    LOW_DOSE_ARTICLES,
    ROGERS_2024,
    TANNA_2023,
    POST_2019,
    NIH_ODS_MAGNESIUM_UL,
    NIH_ODS_MAGNESIUM_SPACING,
    MAGNESIUM_FRACTIONS,
    PHQ9_ITEM_9,
    WITHDRAWAL_CHECKIN,
    ESCALATION_RULE,
    LOSS_OF_CONTROL_RULE,
    FREQUENT_USE_RULE,
    LARGE_DOSE,
    CHECKIN_SCHEDULE,
    KITCHEN_SCALE,
    HOLD_OR_STEP_BACK,
    RELIABLE_CHANGE,
    DOSE_ADJUSTMENT,
    BAM,
    BAM_CRAVING_FLAG,
)

# Plans saved by earlier versions carry the citation of their day; they still find their entry.
_EARLIER = {
    "seed 004: self-set guidelines": SELF_HELP_GUIDELINES,
    "seed 004: if it ever becomes hard": SELF_HELP_BREAK,
    "seed 004: heavy regular use": SELF_HELP_TOLERANCE,
    "seeds 000 and 003": LOW_DOSE_ARTICLES,
    "kratomlog's own threshold, reading seed 004": ESCALATION_RULE,
}


def source_of(text: str) -> Source | None:
    """The source a citation (current or from an earlier version) names; None for "your own"."""
    for source in ALL:
        if text.startswith(source.citation) or text.startswith(str(source)):
            return source
    for start, source in _EARLIER.items():
        if text.startswith(start):
            return source
    return None


def cited(text: str) -> list[tuple[str, Source | None]]:
    """Each citation in "a; b" text, as it reads today, with its source (None: not one of
    ours, such as "your own taper"). A citation may hold "; " itself (Tanna 2023; Tanna 2021)."""
    whole = [known for source in ALL for known in (source.citation, str(source))]
    parts, at = text.split("; "), 0
    found: list[tuple[str, Source | None]] = []
    while at < len(parts):
        piece, at = parts[at], at + 1
        while at < len(parts) and any(k.startswith(f"{piece}; ") for k in whole):
            piece, at = f"{piece}; {parts[at]}", at + 1
        source = source_of(piece)
        if source is None:
            found.append((piece, None))
        else:
            found.append(
                (str(source) if piece.startswith(str(source)) else source.citation, source)
            )
    return found
