"""Recording from the terminal: doses, units, magnesium, other substances, edits and undo."""

import json

from kratomlog.journal.models import Change, Entry


def entries(person):
    return list(person.entries.filter(deleted=False).order_by("taken_at"))


def test_it_records_a_dose_and_says_it_is_within_limits(kl, person):
    kl("plan", "set", "occasional")
    result = kl("dose", "3g", "--at", "08:30", "--purpose", "energy")
    assert "Within the limits of plan 'occasional'." in result.stdout
    assert "Logged #" in result.stdout and "3 g kratom (powder)" in result.stdout
    assert "Mon 23 Nov 2026 08:30 (Europe/Berlin)" in result.stdout
    [entry] = entries(person)
    assert entry.grams == 3 and entry.purpose == "energy" and str(entry.local_day) == "2026-11-23"


def test_yesterday_late_evening_is_yesterdays_local_day(kl, person):
    kl("dose", "2", "g", "--at", "yesterday 23:30")
    assert str(entries(person)[0].local_day) == "2026-11-22"


def test_a_dose_over_a_limit_is_recorded_and_the_limit_named(kl, person):
    kl("plan", "set", "ceiling-3g-a-dose", "--start", "2026-11-01")
    result = kl("dose", "4g")
    assert "breaks limit max_grams_per_dose of plan 'ceiling-3g-a-dose' on 2026-11-23" in result.stdout
    assert "a dose of 4 g; at most 3 g a dose" in result.stdout
    assert "plan source: two web articles" in result.stdout
    assert "not established by clinical trials" in result.stdout
    assert len(entries(person)) == 1


def test_capsules_need_and_use_the_products_grams_per_capsule(kl, person):
    failed = kl("dose", "4", "caps", code=2)
    assert "--product: capsules need a product" in failed.stderr
    kl(
        "product",
        "set",
        "Green Caps",
        "--form",
        "capsule",
        "--grams-per-capsule",
        "0.5",
        "--vein",
        "green",
        "--vendor",
        "Acme",
        "--batch",
        "B12",
    )
    result = kl("dose", "4", "caps", "--product", "green caps")
    assert "4 capsules = 2 g kratom (capsule, Green Caps)" in result.stdout
    [entry] = entries(person)
    assert (entry.grams, entry.unit, entry.form, entry.product.vendor) == (
        2,
        "capsule",
        "capsule",
        "Acme",
    )


def test_teaspoons_use_the_products_grams_per_teaspoon(kl, person):
    kl("product", "set", "Red Bali", "--grams-per-teaspoon", "2.5")
    kl("dose", "1.5tsp", "--product", "Red Bali")
    assert entries(person)[0].grams == 3.75


def test_a_large_dose_is_recorded_with_a_warning(kl, person):
    result = kl("dose", "20g")
    assert "20 g is a very large dose (over 15 g, kratomlog's own check" in result.stdout
    assert entries(person)[0].grams == 20


def test_over_50_g_needs_confirm_high_and_is_then_recorded(kl, person):
    refused = kl("dose", "60g", code=2)
    assert refused.stderr.strip() == (
        "error: AMOUNT: 60 g is over 50 g, almost surely a typo; if "
        "it is what was taken, repeat with --confirm-high"
    )
    assert entries(person) == []
    kl("dose", "60g", "--confirm-high")
    assert entries(person)[0].grams == 60


def test_bad_input_is_one_line_exit_2_and_nothing_written(kl, person):
    for args, message in [
        (("dose", "3g", "--at", "21:30"), "error: --at: 2026-11-23 21:30 is in the future"),
        (("dose", "0g"), "error: AMOUNT: '0g' is not above zero"),
        (("dose", "-2g"), "error: AMOUNT: '-2g' is not an amount"),
        (("dose", "3 oz"), "error: AMOUNT: unknown unit 'oz'"),
        (("dose", "3g", "--at", "soon"), "error: --at: 'soon' is not a time; use ISO 8601"),
        (("dose", "3g", "--form", "pill"), "error: --form: 'pill' is not a form"),
        (("magnesium", "400mg", "--form", "malate"), "error: --form: no elemental fraction"),
        (("substance", "ibuprofen", "--category", "painkiller"), "error: --category: 'painkiller'"),
    ]:
        result = kl(*args, code=2)
        assert result.stderr.startswith(message), (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    assert person.entries.count() == 0 and Change.objects.filter(person=person).count() == 0


def test_magnesium_compound_becomes_elemental_and_the_upper_limit_is_watched(kl, person):
    result = kl("magnesium", "400mg", "--form", "oxide", "--at", "08:00")
    assert "241 mg elemental magnesium (400 mg oxide)" in result.stdout
    result = kl("magnesium", "150", "--at", "12:00")  # elemental mg by default
    assert "over the upper limit of 350 mg" in result.stdout and "NIH Office" in result.stdout
    status = json.loads(kl("status", "--json").stdout)
    assert status["magnesium"] == {
        **status["magnesium"],
        "today_elemental_mg": 391.2,
        "upper_limit_mg": 350.0,
        "over_limit": True,
    }


def test_kratom_after_alcohol_names_the_interaction_and_its_source(kl):
    kl("substance", "beer", "2 bottles", "--category", "alcohol", "--at", "12:00")
    result = kl("dose", "3g", "--at", "18:00")
    assert "kratom and beer (alcohol) within 6 h" in result.stdout
    assert "Post 2019, Clin Toxicol 57:847" in result.stdout


def test_a_category_is_remembered_by_name(kl, person):
    kl("substance", "Levothyroxine", "50 mcg", "--category", "thyroid", "--at", "yesterday 07:00")
    kl("substance", "levothyroxine", "50 mcg", "--at", "07:00")
    result = kl("magnesium", "300mg", "--form", "citrate", "--at", "09:00")
    assert "keep levothyroxine 4 h apart from magnesium" in result.stdout
    assert [e.category for e in entries(person) if e.substance == "other"] == ["thyroid", "thyroid"]


def test_edit_keeps_history_and_undo_restores_it(kl, person):
    kl("dose", "3g", "--at", "08:00", "--note", "first")
    entry = entries(person)[0]
    kl("edit", entry.id, "--amount", "2.5g", "--note", "fixed typo")
    entry.refresh_from_db()
    assert (entry.grams, entry.note) == (2.5, "fixed typo")
    history = json.loads(kl("revisions", entry.id, "--json").stdout)
    assert [
        (h["action"], (h["before"] or {}).get("grams"), h["after"]["grams"]) for h in history
    ] == [("log", None, 3.0), ("edit", 3.0, 2.5)]
    assert "undid: edited entry" in kl("undo").stdout
    entry.refresh_from_db()
    assert (entry.grams, entry.note) == (3.0, "first")


def test_an_edit_reports_a_breach_it_causes(kl, person):
    kl("plan", "set", "ceiling-3g-a-dose", "--start", "2026-11-01")
    kl("dose", "3g", "--at", "08:00")
    result = kl("edit", entries(person)[0].id, "--amount", "5g")
    assert "Edited #" in result.stdout and "breaks limit max_grams_per_dose" in result.stdout


def test_delete_hides_an_entry_and_undo_brings_it_back(kl, person):
    kl("dose", "3g", "--at", "08:00")
    entry_id = entries(person)[0].id
    kl("delete", entry_id)
    assert entries(person) == []
    assert Entry.objects.get(id=entry_id).deleted  # kept in history
    kl("undo")
    assert [e.id for e in entries(person)] == [entry_id]


def test_undo_reverses_changes_one_at_a_time_and_says_when_there_is_nothing(kl, person):
    kl("dose", "1g", "--at", "08:00")
    kl("dose", "2g", "--at", "09:00")
    assert "undid: logged 2 g kratom" in kl("undo").stdout
    assert [e.grams for e in entries(person)] == [1]
    assert "undid: logged 1 g kratom" in kl("undo").stdout
    assert kl("undo", code=2).stderr.strip() == "error: undo: there is nothing to undo"


def test_editing_a_missing_entry_is_a_clear_error(kl):
    assert "error: ID: there is no entry #999" in kl("edit", 999, "--note", "x", code=2).stderr


def test_dose_json_output_holds_the_entry_and_what_it_breaks(kl):
    kl("plan", "set", "ceiling-3g-a-dose", "--start", "2026-11-01")
    data = json.loads(kl("dose", "4g", "--json").stdout)
    assert data["entry"]["grams"] == 4.0
    assert [b["kind"] for b in data["breaches"]] == ["max_grams_per_dose"]


def test_a_backdated_dose_that_breaks_a_rule_on_a_later_day_is_reported(kl):
    (
        lambda path: path.write_text(
            'name = "two in a row"\nstart = 2026-11-01\n[[rule]]\nkind = "max_consecutive_use_days"\n'
            "max = 2\n"
        )
    )(__import__("pathlib").Path("plan.toml"))
    kl("plan", "set", "plan.toml")
    kl("dose", "1g", "--at", "2026-11-21T10:00")
    kl("dose", "1g", "--at", "10:00")
    result = kl("dose", "1g", "--at", "yesterday 10:00")
    assert "max_consecutive_use_days of plan 'two in a row' on 2026-11-23" in result.stdout


def test_entries_lists_ids_plainly_when_piped(kl):
    kl("dose", "3g", "--at", "08:00")
    out = kl("entries").stdout
    assert "\x1b[" not in out  # no colour codes in a pipe
    assert "3 g kratom (powder)" in out and "Mon 23 Nov 2026 08:00" in out


def test_config_rejects_an_unknown_zone_naming_the_accepted_form(kl):
    result = kl("config", "set", "timezone", "Mars/Olympus", code=2)
    assert "timezone: 'Mars/Olympus' is not an IANA time zone" in result.stderr
