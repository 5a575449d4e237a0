"""The care consent text, versioned: a patient agrees to one version, and the record says which."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentText:
    version: str
    text: str


CARE_CONSENT = ConsentText(
    version="2026-11",
    text=(
        "Sharing your kratomlog journal with your care team\n\n"
        "What they see: the clinicians of your care team see everything you record here: "
        "doses, magnesium and other substances, check-ins (including your answers to "
        "questionnaires), sleep diaries, plans and notes, and where you stand against your "
        "plan. They may set plans and tapers for you, and they record visits and notes.\n\n"
        "Alerts: some answers and patterns (for example a PHQ-9 answer about self-harm, or "
        "repeated limits broken) alert your care team. An alert is read in working hours.\n\n"
        "This is not an emergency service. If you are in danger or thinking of harming "
        "yourself, call your local emergency number or a crisis line now (in the US: call or "
        "text 988, or call 911).\n\n"
        "Every access is recorded: you can see on your Sharing page who looked at your data "
        "and when.\n\n"
        "You can stop sharing at any time on the Sharing page. It takes effect at once: your "
        "care team then sees nothing more of your journal. Your journal stays yours to use, "
        "export or delete."
    ),
)
