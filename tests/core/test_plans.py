from datetime import date

import pytest

from kratomlog.core.errors import InputError
from kratomlog.core.plan import PRESETS, plan_from_dict, plan_from_toml, preset_plan, taper_plan
from kratomlog.core.rules import MaxUseDays, NoUse

START = date(2026, 12, 1)


def test_occasional_is_a_limit_of_1_in_7_and_a_target_of_2_in_30_from_the_self_help_text():
    plan = preset_plan("occasional", START)
    assert plan.rules == (
        MaxUseDays("max_use_days", "limit", max=1, window_days=7),
        MaxUseDays("max_use_days-target", "target", max=2, window_days=30),
    )
    assert plan.source.startswith("a self-help text by one kratom user")
    assert "not established by clinical trials" in plan.evidence


def test_the_3g_ceiling_says_it_is_a_ceiling_and_not_established_by_clinical_trials():
    plan = preset_plan("ceiling-3g-a-dose", START)
    assert plan.rules[0].as_dict() == {
        "id": "max_grams_per_dose",
        "kind": "max_grams_per_dose",
        "severity": "limit",
        "max_grams": 3.0,
    }
    assert plan.source.startswith("two web articles") and "Garcia-Romeu 2020" in plan.source
    assert "not established by clinical trials" in plan.evidence
    assert "not a dose to take" in PRESETS["ceiling-3g-a-dose"].summary


def test_the_earlier_name_low_dose_3g_still_sets_the_ceiling():
    earlier, now = preset_plan("low-dose-3g", START), preset_plan("ceiling-3g-a-dose", START)
    assert earlier.rules == now.rules and earlier.name == "ceiling-3g-a-dose"


def test_no_source_or_preset_is_named_by_an_internal_label():
    from kratomlog.core import sources

    for source in sources.ALL:
        shown = f"{source} {source.what} {source.supports}"
        assert "seed 0" not in shown and "FACTS.md" not in shown, source.key
    for preset in PRESETS.values():
        assert "seed" not in f"{preset.summary} {preset.source}"


def test_a_citation_from_an_earlier_version_finds_its_entry():
    from kratomlog.core import sources

    earlier = "seed 004: if it ever becomes hard to stay within one's guidelines, stop"
    assert sources.cited(earlier) == [(sources.SELF_HELP_BREAK.citation, sources.SELF_HELP_BREAK)]
    both = f"{sources.TANNA_2023}; {sources.POST_2019}"
    assert [source for _, source in sources.cited(both)] == [sources.TANNA_2023, sources.POST_2019]
    assert sources.cited("your own taper") == [("your own taper", None)]


def test_break_90_is_90_days_without_use_from_seed_004():
    plan = preset_plan("break-90", START)
    assert plan.rules == (NoUse("no_use", "limit", days=90),)
    assert "minimum of 3 months" in plan.source


def test_every_preset_carries_a_source_and_evidence():
    for name in PRESETS:
        plan = preset_plan(name, START)
        assert plan.source and plan.evidence


def test_an_unknown_preset_lists_the_presets():
    with pytest.raises(InputError, match="occasional, ceiling-3g-a-dose, break-90"):
        preset_plan("weekly", START)


PLAN_FILE = """
name = "weekends only"
start = 2026-12-05

[[rule]]
kind = "max_use_days"
severity = "limit"
max = 2
window_days = 7

[[rule]]
kind = "max_grams_per_day"
severity = "target"
max_grams = 4
"""


def test_a_plan_file_is_read_with_its_rules():
    plan = plan_from_toml(PLAN_FILE, START)
    assert plan.name == "weekends only" and plan.start == date(2026, 12, 5)
    assert [rule.as_dict() for rule in plan.rules] == [
        {
            "id": "max_use_days",
            "kind": "max_use_days",
            "severity": "limit",
            "max": 2,
            "window_days": 7,
        },
        {
            "id": "max_grams_per_day",
            "kind": "max_grams_per_day",
            "severity": "target",
            "max_grams": 4.0,
        },
    ]


def test_a_stored_plan_reads_back_the_same():
    plan = plan_from_toml(PLAN_FILE, START)
    assert plan_from_dict(plan.as_dict()) == plan
    taper = taper_plan(12, "10%", 7, 1, START)
    assert plan_from_dict(taper.as_dict()) == taper


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        ('kind = "weekly"', "rule 1.kind", "not a rule kind"),
        ('kind = "max_use_days"\nmax = 1', "rule 1.window_days", "missing"),
        ('kind = "max_use_days"\nmax = 1.5\nwindow_days = 7', "rule 1.max", "not a whole number"),
        ('kind = "max_grams_per_dose"\nmax_grams = -1', "rule 1.max_grams", "must be above 0"),
        ('kind = "max_grams_per_dose"\nmax_grams = "3g"', "rule 1.max_grams", "not a number"),
        ('kind = "no_use"\ndays = 30\nseverity = "hard"', "rule 1.severity", "'limit' or 'target'"),
        ('kind = "no_use"\ndays = 30\nweeks = 2', "rule 1.weeks", "not a parameter of no_use"),
        (
            'kind = "taper"\nstart_grams_per_day = 10\nstep = "10%"\nevery_days = 7',
            "rule 1.floor_grams",
            "never reaches 0",
        ),
        (
            'kind = "taper"\nstart_grams_per_day = 10\nstep = "150%"\nevery_days = 7\nfloor_grams = 1',
            "rule 1.step",
            "below 100%",
        ),
    ],
)
def test_bad_plan_files_name_the_rule_and_field(rule, field, message):
    with pytest.raises(InputError) as caught:
        plan_from_toml(f'name = "x"\n[[rule]]\n{rule}\n', START)
    assert caught.value.field == field
    assert message in caught.value.problem


def test_a_plan_file_without_rules_is_refused():
    with pytest.raises(InputError, match=r"^rule: a plan needs at least one"):
        plan_from_toml('name = "x"\n', START)


def test_a_plan_file_that_is_not_toml_is_refused():
    with pytest.raises(InputError, match=r"^plan file: not valid TOML"):
        plan_from_toml("name = ", START)


def test_a_plan_of_more_than_50_rules_is_refused_in_words():
    rule = '[[rule]]\nkind = "max_grams_per_day"\nseverity = "limit"\nmax_grams = 3\nid = "r{n}"\n'
    fifty = 'name = "x"\n' + "".join(rule.format(n=n) for n in range(50))
    assert len(plan_from_toml(fifty, START).rules) == 50
    with pytest.raises(InputError) as caught:
        plan_from_toml(fifty + rule.format(n=50), START)
    assert caught.value.field == "rule"
    assert caught.value.problem.startswith("51 rules; a plan has at most 50")
