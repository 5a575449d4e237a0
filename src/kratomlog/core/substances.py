"""What another substance is, by its name: the table imports and logging use for a category.

The classes follow PsychonautWiki's own substance classes (the "Chemical class" and
"Psychoactive class" of each substance's page, which the PsychonautWiki Journal app ships
with its substance list), mapped to kratomlog's interaction categories; brand names and common
synonyms are added. A name the table does not hold stays `other`, and an import lists it so
the person can say what it is once (`kratomlog substance NAME --category CAT --just-category`).
"""

SOURCE = (
    "PsychonautWiki's substance classes (psychonautwiki.org, as shipped in the PsychonautWiki "
    "Journal app), mapped to kratomlog's interaction categories, with common brand names"
)

_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "alcohol": ("alcohol", "ethanol", "etoh", "beer", "wine", "liquor", "spirits", "vodka",
                "whisky", "whiskey", "gin", "rum", "sake", "cider"),
    "opioid": ("heroin", "morphine", "codeine", "oxycodone", "hydrocodone", "hydromorphone",
               "oxymorphone", "fentanyl", "carfentanil", "tramadol", "tapentadol", "methadone",
               "buprenorphine", "suboxone", "subutex", "dihydrocodeine", "kratom 7-oh",
               "7-hydroxymitragynine", "7-oh", "loperamide", "pethidine", "meperidine",
               "oxycontin", "percocet", "vicodin", "dilaudid", "opium", "poppy tea",
               "desomorphine", "nitazene", "isotonitazene", "o-desmethyltramadol", "o-dsmt",
               "tilidine", "levorphanol", "nalbuphine", "butorphanol", "pentazocine",
               "ultram", "naloxone"),
    "benzodiazepine": ("alprazolam", "xanax", "diazepam", "valium", "clonazepam", "klonopin",
                       "rivotril", "lorazepam", "ativan", "temazepam", "oxazepam",
                       "chlordiazepoxide", "librium", "midazolam", "triazolam", "halcion",
                       "bromazepam", "lexotanil", "flubromazolam", "etizolam", "clonazolam",
                       "flualprazolam", "bromazolam", "nitrazepam", "flunitrazepam",
                       "rohypnol", "lormetazepam", "phenazepam", "diclazepam", "pyrazolam",
                       "zolpidem", "ambien", "zopiclone", "eszopiclone", "zaleplon"),
    "gabapentinoid": ("gabapentin", "neurontin", "pregabalin", "lyrica", "phenibut",
                      "mirogabalin"),
    "stimulant": ("caffeine", "coffee", "amphetamine", "dextroamphetamine", "adderall",
                  "lisdexamfetamine", "vyvanse", "elvanse", "methamphetamine", "meth",
                  "methylphenidate", "ritalin", "concerta", "modafinil", "armodafinil",
                  "cocaine", "nicotine", "mdma", "ecstasy", "mda", "3-mmc", "4-mmc",
                  "mephedrone", "ephedrine", "pseudoephedrine"),
    "antidepressant": ("sertraline", "zoloft", "fluoxetine", "prozac", "citalopram",
                       "escitalopram", "lexapro", "paroxetine", "paxil", "venlafaxine",
                       "effexor", "duloxetine", "cymbalta", "bupropion", "wellbutrin",
                       "mirtazapine", "remeron", "trazodone", "amitriptyline",
                       "nortriptyline", "vortioxetine", "agomelatine", "phenelzine",
                       "tranylcypromine", "moclobemide", "st. john's wort",
                       "st johns wort"),
    "antibiotic": ("doxycycline", "tetracycline", "minocycline", "ciprofloxacin",
                   "levofloxacin", "moxifloxacin", "ofloxacin"),
    "thyroid": ("levothyroxine", "synthroid", "euthyrox", "liothyronine", "t4", "t3"),
    "bisphosphonate": ("alendronate", "alendronic acid", "fosamax", "risedronate",
                       "ibandronate"),
}  # fmt: skip

CATEGORY_OF: dict[str, str] = {
    name: category for category, names in _BY_CATEGORY.items() for name in names
}


def category_of(name: str, remembered: dict[str, str] | None = None) -> str | None:
    """The category of a substance by name, case-insensitive: the person's own first (an import
    never overrides it), then the table; None when neither knows it."""
    key = " ".join(name.lower().split())
    if remembered and key in remembered:
        return remembered[key]
    return CATEGORY_OF.get(key)


def is_kratom(name: str) -> bool:
    """A custom substance that is kratom by its name: "Kratom extract", "kratom capsules",
    "Red Bali kratom" (7-OH products are opioids of their own, not kratom leaf)."""
    words = name.lower().replace("-", " ").split()
    return "kratom" in words and not {"7", "oh", "7oh"} & set(words)
