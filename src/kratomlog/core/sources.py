"""Where each number kratomlog ships comes from (../shared/FACTS.md), in one place.

Each shell shows these next to the number they back, so a reader can always check it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    citation: str
    evidence: str

    def __str__(self) -> str:
        return f"{self.citation} ({self.evidence})"


SEED_004_GUIDELINES = Source(
    "seed 004: self-set guidelines, 'not more than once a week', 'preferably once or twice a "
    "month'",
    "a user's guideline, not established by clinical trials",
)
SEED_004_BREAK = Source(
    "seed 004: if it ever becomes hard to stay within one's guidelines, stop 'for a minimum "
    "of 3 months'",
    "a user's guideline, not established by clinical trials",
)
SEED_004_TOLERANCE = Source(
    "seed 004: heavy regular use builds tolerance, 'one needs to use more'",
    "a user's report, not established by clinical trials",
)
SEEDS_LOW_DOSE = Source(
    "seeds 000 and 003: 'around 1-3 grams'; 1-3 g is also the most common dose among "
    "surveyed users (Garcia-Romeu 2020, Drug Alcohol Depend 208:107849)",
    "not established by clinical trials; a survey figure is not a safety threshold",
)
ROGERS_2024 = Source(
    "Rogers 2024, Drug Alcohol Depend 111329: withdrawal and use-disorder symptoms track "
    "how often kratom is used more than how much",
    "survey evidence",
)
TANNA_2023 = Source(
    "Tanna 2023, Clin Pharmacol Ther 113:1315: 2 g kratom tea raised midazolam exposure "
    "1.39x (CYP3A); Tanna 2021, JPET 376:64",
    "a clinical interaction study and in-vitro data",
)
POST_2019 = Source(
    "Post 2019, Clin Toxicol 57:847: co-use with other substances raised the odds of "
    "hospital admission (OR 2.80) and serious outcome (OR 2.25); Olsen 2019, MMWR 68:326",
    "poison-centre and mortality data",
)
NIH_ODS_MAGNESIUM_UL = Source(
    "NIH Office of Dietary Supplements: upper limit for supplemental magnesium 350 mg/day "
    "from age 9 (supplements and medicines, not food)",
    "secondary source",
)
NIH_ODS_MAGNESIUM_SPACING = Source(
    "NIH Office of Dietary Supplements: separate magnesium from tetracycline and quinolone "
    "antibiotics (2 h before or 4-6 h after), bisphosphonates (2 h or more) and "
    "levothyroxine (4 h)",
    "secondary source",
)
MAGNESIUM_FRACTIONS = Source(
    "elemental magnesium by mass of the compound (FACTS.md section 3)",
    "stoichiometry",
)
ESCALATION_RULE = Source(
    "kratomlog's own threshold, reading seed 004's account of tolerance",
    "a heuristic, not a validated measure",
)
