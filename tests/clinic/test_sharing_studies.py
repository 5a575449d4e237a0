"""A patient sees the research studies they may join on their Sharing page, and joins or leaves
there (the API's services), each decision a consent of its own."""

from datetime import date, timedelta
from html import unescape

from kratomlog.research import services
from kratomlog.research.models import ResearchConsent, StudyParticipant
from tests.clinic.conftest import NOW
from tests.clinic.helpers_ca import patient_client


def test_a_patient_joins_and_leaves_a_study_on_the_sharing_page(cast, clock):
    study = services.create_study(name="taper-2027", protocol_id="KL-01", now=NOW,
                                  start=date(2026, 11, 1), end=date(2027, 10, 31))  # fmt: skip
    services.create_study(name="over-2025", now=NOW - timedelta(days=400), end=date(2025, 12, 31))
    client = patient_client(cast.patient_a)
    page = unescape(client.get("/sharing").content.decode())
    assert "Research studies" in page and "Join taper-2027" in page and "over-2025" not in page
    assert "Protocol KL-01. From 1 Nov 2026 to 31 Oct 2027." in page
    assert study.consent_text.splitlines()[0] in page  # the consent text is read before joining

    unticked = client.post("/sharing/studies/taper-2027", {"action": "join",
                                                          "consent_version": study.consent_version})  # fmt: skip
    assert unticked["Location"] == "/sharing#studies"
    assert "Not joined: tick" in unescape(client.get("/sharing").content.decode())
    assert not StudyParticipant.objects.exists()

    joined = client.post("/sharing/studies/taper-2027", {
        "action": "join", "consent_version": study.consent_version, "agree": "yes"})  # fmt: skip
    assert joined["Location"] == "/sharing#studies"
    page = unescape(client.get("/sharing").content.decode())
    assert "You take part in taper-2027" in page and "taper-2027 <small>(you take part)" in page
    assert "Leave taper-2027" in page
    assert StudyParticipant.objects.get(patient=cast.patient_a).active

    client.post("/sharing/studies/taper-2027", {"action": "leave"})
    assert not StudyParticipant.objects.get(patient=cast.patient_a).active
    assert list(ResearchConsent.objects.order_by("at", "id").values_list("granted", flat=True)) == [
        True, False
    ]  # fmt: skip
    assert "You left taper-2027" in unescape(client.get("/sharing").content.decode())


def test_an_old_consent_version_or_an_unknown_study_is_refused(cast, clock):
    services.create_study(name="taper-2027", now=NOW)
    client = patient_client(cast.patient_a)
    stale = client.post("/sharing/studies/taper-2027",
                        {"action": "join", "consent_version": "0ld", "agree": "yes"})  # fmt: skip
    assert stale["Location"] == "/sharing#studies"
    said = unescape(client.get("/sharing").content.decode())
    assert "Not joined: the consent text of taper-2027 has changed; read it again below." in said
    assert not StudyParticipant.objects.exists()
    unknown = client.post("/sharing/studies/no-such", {"action": "join", "agree": "yes"})
    assert unknown.status_code == 404
