"""`kratomlog plan taper --hold DAYS` and `--step-back`: seen first with --dry-run, then set as a
new plan version from today. The clock: Mon 23 Nov 2026 19:00 in Berlin."""

import json


def _taper(kl):
    # 6 g a day, 2 g less every 7 days from Mon 16 Nov: 6 g (16-22), 4 g (23-29), 2 g, 0 g.
    kl("plan", "taper", "--from", "6", "--step", "2", "--every", "7", "--start", "2026-11-16")


def test_a_hold_is_shown_first_then_set_as_a_new_version(kl, person):
    _taper(kl)
    shown = kl("plan", "taper", "--hold", "3", "--dry-run").stdout
    assert "The change only (not set):" in shown
    # Step 2 (4 g) ran to Sunday 29 November; held 3 days it runs to Wednesday 2 December.
    assert "2026-11-23  2026-12-02  4 g" in shown and "2026-12-03  2026-12-09  2 g" in shown
    assert "kratomlog's own choice" in shown
    assert person.plan_versions.count() == 1
    kl("plan", "taper", "--hold", "3")
    assert person.plan_versions.count() == 2
    plan = json.loads(kl("plan", "show", "--json").stdout)["current"]
    assert plan["name"] == "taper from 6 g (step 2 at 4 g held to 2026-12-02)"
    assert plan["start"] == "2026-11-23" and plan["rules"][0]["first_step_days"] == 10


def test_a_step_back_goes_to_the_previous_allowance_from_today(kl, person):
    _taper(kl)
    out = kl("plan", "taper", "--step-back").stdout
    assert "Taper changed from today." in out
    assert "2026-11-23  2026-11-29  6 g" in out and "2026-11-30  2026-12-06  4 g" in out
    assert "Today's allowance goes from 4 g to 6 g." in out
    # Stepped back again at once: the plan set today is in its first step; before it, 6 g held
    # on Sunday the 22nd, no more than today's; so there is no step before it.
    refused = kl("plan", "taper", "--step-back", code=2)
    assert "step back: step 1 is the taper's first; there is no step before it" in refused.stderr


def test_a_change_without_a_taper_or_with_new_numbers_is_refused(kl, person):
    refused = kl("plan", "taper", "--hold", "3", code=2)
    assert "no taper is in force today" in refused.stderr
    _taper(kl)
    both = kl("plan", "taper", "--hold", "3", "--step-back", code=2)
    assert "choose one: --hold DAYS or --step-back" in both.stderr
    mixed = kl("plan", "taper", "--hold", "3", "--from", "5", code=2)
    assert "--from: --hold and --step-back change the taper in force" in mixed.stderr
    assert "days: 0: hold a step" in kl("plan", "taper", "--hold", "0", code=2).stderr
    missing = kl("plan", "taper", "--from", "5", code=2)
    assert "--step: missing; a taper takes --from, --step and --every" in missing.stderr
    assert person.plan_versions.count() == 1
