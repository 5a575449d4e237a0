"""LOINC codes of the instruments that have them (FACTS.md section 4; the item codes as LOINC's
own PHQ-9 and GAD-7 panels list them, in the order of the questionnaires' items).

kratomlog's withdrawal check-in, craving scale, the sleep diary's derived measures and the COWS
get no LOINC code here: they are coded in kratomlog's own code system (interop.fhir), and no
code is invented.
"""

LOINC = "http://loinc.org"

PANEL = {"phq9": "44249-1", "gad7": "69737-5"}
TOTAL = {"phq9": "44261-6", "gad7": "70274-6"}
ITEMS = {
    "phq9": (
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ),
    "gad7": ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
}
DISPLAY = {
    "44249-1": "PHQ-9 quick depression assessment panel",
    "44261-6": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    "69737-5": "Generalized anxiety disorder 7 item (GAD-7)",
    "70274-6": "Generalized anxiety disorder 7 item (GAD-7) total score",
}
