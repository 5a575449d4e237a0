from datetime import UTC, datetime, timedelta

from kratomlog.core.interactions import Intake, notices_for

T = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def kratom(hours=0.0, id=1):
    return Intake(id, T + timedelta(hours=hours), "kratom", "kratom")


def other(name, category, hours=0.0, id=2):
    return Intake(id, T + timedelta(hours=hours), "other", name, category)


def magnesium(hours=0.0, id=3):
    return Intake(id, T + timedelta(hours=hours), "magnesium", "magnesium")


def kinds(notices):
    return [notice.kind for notice in notices]


def test_kratom_after_alcohol_within_24_hours_cites_post_2019():
    notices = notices_for(kratom(), [other("beer", "alcohol", -3)], 0)
    assert kinds(notices) == ["kratom_with_depressant"]
    assert "Post 2019" in notices[0].source and "CYP3A" not in notices[0].message


def test_kratom_with_a_benzodiazepine_adds_the_cyp3a_study():
    notices = notices_for(kratom(), [other("alprazolam", "benzodiazepine", -10)], 0)
    assert "CYP3A" in notices[0].message and "Tanna 2023" in notices[0].source


def test_an_opioid_logged_after_kratom_is_flagged_too():
    notices = notices_for(other("tramadol", "opioid"), [kratom(-5)], 0)
    assert kinds(notices) == ["kratom_with_depressant"]


def test_more_than_24_hours_apart_is_no_interaction():
    assert notices_for(kratom(), [other("beer", "alcohol", -25)], 0) == []


def test_stimulants_have_no_sourced_interaction_and_get_none():
    assert notices_for(kratom(), [other("coffee", "stimulant", -1)], 0) == []


def test_an_antibiotic_one_hour_before_magnesium_is_too_close():
    notices = notices_for(magnesium(), [other("doxycycline", "antibiotic", -1)], 0)
    assert kinds(notices) == ["magnesium_spacing"]
    assert "2 h before or 4-6 h after" in notices[0].message


def test_an_antibiotic_two_hours_before_or_four_after_magnesium_is_fine():
    assert notices_for(magnesium(), [other("doxycycline", "antibiotic", -2)], 0) == []
    assert notices_for(magnesium(), [other("doxycycline", "antibiotic", 4)], 0) == []


def test_levothyroxine_needs_four_hours_either_way():
    assert kinds(notices_for(other("levothyroxine", "thyroid"), [magnesium(-3.5)], 0)) == [
        "magnesium_spacing"
    ]
    assert notices_for(other("levothyroxine", "thyroid"), [magnesium(-4)], 0) == []


def test_bisphosphonates_need_two_hours():
    assert kinds(notices_for(magnesium(), [other("alendronate", "bisphosphonate", 1.5)], 0)) == [
        "magnesium_spacing"
    ]


def test_magnesium_over_the_upper_limit_of_350_mg():
    notices = notices_for(magnesium(), [], 351)
    assert kinds(notices) == ["magnesium_over_limit"]
    assert "350 mg" in notices[0].message and "NIH" in notices[0].source
    assert notices_for(magnesium(), [], 350) == []
