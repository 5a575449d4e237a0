"""Every page, as a person uses it: log, undo, history, plan, import, export, settings."""

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from kratomlog.journal.models import Entry
from tests import fixtures
from tests.web.conftest import htmx


class Standing(HTMLParser):
    """The data-* attributes of Today's "Where you stand" section."""

    def __init__(self, html):
        super().__init__()
        self.data = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "standing":
            self.data = {k[5:]: v for k, v in attrs.items() if k.startswith("data-")}


def test_today_and_status_json_agree_on_the_fixture_journal(kl, signed_in):
    fixtures.load(kl)
    status = json.loads(kl("status", "--json").stdout)
    page = Standing(signed_in.get("/").content.decode()).data
    assert page["as-of"] == status["as_of"]
    assert page["plan"] == status["plan"]["name"]
    assert page["next-use-allowed"] == status["next_use_allowed"]
    assert int(page["breaches"]) == len(status["breaches"])
    totals = status["totals"]
    for key in (
        "use_days_last_7",
        "use_days_last_30",
        "grams_last_7",
        "grams_last_30",
        "grams_today",
    ):
        assert float(page[key.replace("_", "-")]) == totals[key], key
    assert float(page["magnesium-today-mg"]) == status["magnesium"]["today_elemental_mg"]
    assert int(page["days-since-last-use"]) == status["days_since_last_use"]
    assert page["signals"].split() == [s["kind"] for s in status["signals"]]


def test_today_says_where_you_stand_in_sentences(kl, signed_in):
    fixtures.load(kl)
    html = signed_in.get("/").content.decode()
    assert "Your plan: occasional" in html and "not established by clinical trials" in html
    assert "Over:</span> 2 use days in the last 7 days" in html
    assert "Your timing limits allow no use before Monday 30 November." in html
    assert "next dose" not in html.lower()  # never a countdown to a dose
    assert "Magnesium today: 141 mg elemental, of the 350 mg upper limit" in html
    assert "Loss of control" in html and "A break of at least 90 days" in html
    assert 'href="/plan?preview=break-90#preview"' in html
    assert 'Source: <a href="/sources#loss-of-control-rule">' in html
    assert "seed 0" not in html and "kratomlog plan" not in html
    # where you stand comes before the form that logs
    assert html.index("Where you stand") < html.index("Log what you took")


def test_logging_a_dose_shows_the_breach_at_once_and_undo_reverses_it(kl, signed_in, person):
    kl("plan", "set", "ceiling-3g-a-dose", "--start", "2026-11-01")
    response = htmx(signed_in, "/log/dose", {"amount": "4 g"})
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="today">')
    assert "Breaks a limit of plan “ceiling-3g-a-dose”</strong> (grams a dose)" in html
    result = html[html.index('id="result"') : html.index('id="standing"')]
    assert "a dose of 4 g" in result and "max_grams_per_dose" not in result
    assert 'Plan source: <a href="/sources#low-dose-articles">two web articles' in html
    assert 'id="result" tabindex="-1" autofocus data-focus' in html  # focus moves to it
    assert person.entries.filter(deleted=False).count() == 1
    undone = htmx(signed_in, "/undo", {}).content.decode()
    assert "Undid: logged 4 g kratom" in undone
    assert person.entries.filter(deleted=False).count() == 0


def test_the_last_product_and_amount_are_prefilled_and_usual_amounts_offered(kl, signed_in):
    kl("product", "set", "Red Bali", "--grams-per-teaspoon", "2.5")
    kl("dose", "1", "tsp", "--product", "Red Bali", "--at", "08:00")
    kl("dose", "2g", "--at", "09:00")
    kl("dose", "2g", "--at", "10:00")
    html = signed_in.get("/").content.decode()
    assert 'value="2 g"' in html
    assert re.search(r'name="quick" value="2 g"[^>]*>2 g</button>', html)
    assert re.search(r'name="quick" value="1 teaspoon"', html)


def test_a_quick_amount_logs_in_one_tap(kl, signed_in, person):
    kl("dose", "2.5g", "--at", "08:00")
    htmx(
        signed_in,
        "/log/dose",
        {"quick": "2.5 g", "amount": "ignored when a quick amount is tapped"},
    )
    assert [e.grams for e in person.entries.order_by("id")] == [2.5, 2.5]


def test_bad_input_on_the_page_names_the_field_and_writes_nothing(kl, signed_in, person):
    html = htmx(signed_in, "/log/dose", {"amount": "3 oz"}).content.decode()
    assert "<strong>Amount:</strong> unknown unit" in html
    assert 'value="3 oz"' in html  # what was typed stays in the form
    plain = signed_in.post("/log/dose", {"amount": "3g", "at": "2026-12-24T10:00"})
    assert plain.status_code == 400 and "is in the future" in plain.content.decode()
    assert person.entries.count() == 0


def test_magnesium_and_other_substances_show_their_interactions(kl, signed_in):
    htmx(
        signed_in,
        "/log/other",
        {"name": "doxycycline", "category": "antibiotic", "at": "2026-11-23T08:00"},
    )
    html = htmx(
        signed_in,
        "/log/magnesium",
        {"amount": "400", "compound": "oxide", "at": "2026-11-23T09:00"},
    ).content.decode()
    assert "241 mg elemental magnesium" in html
    assert "take it 2 h before or 4-6 h after magnesium" in html


def test_an_empty_journal_offers_the_demo_and_loads_it(kl, signed_in, person):
    assert "Load the demo journal" in signed_in.get("/").content.decode()
    response = signed_in.post("/demo", follow=True)
    assert "Demo journal loaded" in response.content.decode()
    assert person.entries.count() > 100 and "Load the demo journal" not in response.content.decode()


def test_history_draws_the_calendar_grams_and_magnesium_with_text_alternatives(kl, signed_in):
    fixtures.load(kl)
    html = signed_in.get("/history?range=30").content.decode()
    assert "From 2026-10-25 to 2026-11-23." in html
    assert (
        html.count('role="img"') == 3 and html.count("<figcaption") == 5
    )  # 2 check-in charts are empty
    assert "Craving (0-10).</strong> None in this range." in html
    assert "5 use days of 30 from 2026-10-25 to 2026-11-23" in html
    assert "5 use days in 30 days, 12.5 g in all" in html and "2 days over a limit" in html
    assert "Magnesium on 1 of 30 days; above the 350 mg upper limit on 0." in html
    for value in ("30", "90", "365", "all"):
        assert signed_in.get(f"/history?range={value}").status_code == 200


def test_history_draws_the_tapers_allowance_over_the_grams(kl, signed_in):
    kl("plan", "taper", "--from", "6", "--step", "1", "--every", "7", "--start", "2026-11-01")
    kl("dose", "7g", "--at", "2026-11-03T09:00")
    html = unescape(signed_in.get("/history").content.decode())
    assert 'class="allowance"' in html and 'class="bar breach"' in html
    assert "The taper's allowance went from 6 g to 3 g a day." in html


def test_edit_keeps_history_and_delete_can_be_undone(kl, signed_in, person):
    kl("dose", "3g", "--at", "08:00")
    entry = person.entries.get()
    response = signed_in.post(
        f"/entries/{entry.id}/edit",
        {"amount": "2.5 g", "at": "2026-11-23T08:00", "note": "typo"},
        follow=True,
    )
    assert f"Saved entry #{entry.id}." in response.content.decode()
    page = signed_in.get(f"/entries/{entry.id}/edit").content.decode()
    page = unescape(page)
    assert "logged 3 g" in page
    assert "changed amount 3 g to 2.5 g; note none to “typo”" in page
    assert 'name="amount" value="2.5 g"' in page  # as recorded, no trailing zeros
    response = signed_in.post(f"/entries/{entry.id}/delete", follow=True)
    assert f"Deleted entry #{entry.id}" in response.content.decode()
    assert Entry.objects.get(id=entry.id).deleted
    signed_in.post("/undo", {"next": "history"})
    assert not Entry.objects.get(id=entry.id).deleted


def test_presets_show_their_source_and_can_be_set(kl, signed_in):
    html = signed_in.get("/plan").content.decode()
    assert html.count("not established by clinical trials") >= 3
    response = signed_in.post(
        "/plan/preset", {"preset": "break-90", "start": "2026-11-23", "confirmed": "1"}, follow=True
    )
    assert "Plan “break-90” is in force from 2026-11-23." in response.content.decode()


def test_custom_rules_make_a_plan_and_bad_numbers_are_named(kl, signed_in):
    bad = signed_in.post(
        "/plan/custom",
        {
            "name": "mine",
            "start": "2026-11-23",
            "max_grams_per_day-use": "1",
            "max_grams_per_day-max_grams": "lots",
        },
    )
    assert (
        bad.status_code == 400
        and "At most this many grams a day, grams:</strong> &#x27;lots&#x27; is not a number"
        in bad.content.decode()
    )
    signed_in.post(
        "/plan/custom",
        {
            "name": "mine",
            "start": "2026-11-23",
            "max_grams_per_day-use": "1",
            "max_grams_per_day-max_grams": "4",
            "max_grams_per_day-severity": "limit",
            "min_hours_between_doses-use": "1",
            "min_hours_between_doses-hours": "6",
            "confirmed": "1",
        },
    )
    status = json.loads(kl("status", "--json").stdout)
    assert [r["kind"] for r in status["plan"]["rules"]] == [
        "max_grams_per_day",
        "min_hours_between_doses",
    ]


def test_the_taper_preview_and_its_calendar(kl, signed_in):
    preview = signed_in.get(
        "/plan/taper/preview?from=3&step=1&every=5&start=2026-12-01"
    ).content.decode()
    assert (
        "From 3 g a day on 2026-12-01 down to 0 g on 2026-12-16, in 3 steps of 5 days." in preview
    )
    error = signed_in.get("/plan/taper/preview?from=12&step=10%25&every=7").content.decode()
    assert "Below this, 0 g:</strong> a percentage taper never reaches 0" in error
    assert "floor_grams" not in error and "--floor" not in error
    ics = signed_in.get("/plan/taper.ics?from=3&step=1&every=5&start=2026-12-01")
    text = ics.content.decode()
    assert ics.headers["Content-Type"].startswith("text/calendar")
    assert text.count("BEGIN:VEVENT") == 4 and "SUMMARY:Taper step 2: 2 g a day" in text
    assert "DTSTART;VALUE=DATE:20261206" in text
    signed_in.post(
        "/plan/taper",
        {"from": "3", "step": "1", "every": "5", "start": "2026-12-01", "confirmed": "1"},
    )
    assert (
        "Coming:</strong> taper from 3 g, from 2026-12-01"
        in signed_in.get("/plan").content.decode()
    )
    assert signed_in.get("/plan/taper.ics").content.decode().count("BEGIN:VEVENT") == 4


def test_an_upload_with_a_bad_row_shows_it_and_imports_nothing(kl, signed_in, person, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(fixtures.JOURNAL_CSV.read_text() + "2026-11-22T10:00,kratom,lots,g,,,,,\n")
    with path.open("rb") as upload:
        response = signed_in.post("/transfer/upload", {"format": "csv", "file": upload})
    html = response.content.decode()
    assert response.status_code == 400 and "Nothing will be imported" in html
    assert "line 8, column amount: &#x27;lots&#x27; is not a number" in html
    assert "Import " not in html.split("Nothing will be imported")[1].split("Back to")[0]
    assert person.entries.count() == 0


def test_an_upload_previews_then_imports_once(kl, signed_in, person):
    with fixtures.JOURNAL_CSV.open("rb") as upload:
        preview = signed_in.post(
            "/transfer/upload", {"format": "csv", "file": upload}
        ).content.decode()
    assert "6 new entries" in preview and person.entries.count() == 0
    ticket = re.search(r'name="ticket" value="([^"]+)"', preview).group(1)
    done = signed_in.post("/transfer/import", {"ticket": ticket}, follow=True).content.decode()
    assert "Imported 6 entries from journal.csv." in done and person.entries.count() == 6
    with fixtures.JOURNAL_CSV.open("rb") as upload:
        again = signed_in.post(
            "/transfer/upload", {"format": "csv", "file": upload}
        ).content.decode()
    assert "0 new entries; 6 already in the journal" in again and 'name="ticket"' not in again


def test_exports_download_whole(kl, signed_in):
    fixtures.load(kl)
    exported = signed_in.get("/export.json")
    assert exported.headers["Content-Disposition"].startswith('attachment; filename="kratomlog-')
    assert len(json.loads(exported.content)["entries"]) == 6
    csv = signed_in.get("/export.csv").content.decode()
    assert csv.splitlines()[0] == "time,substance,amount,unit,form,product,purpose,note,category"


def test_delete_everything_offers_the_export_and_needs_the_typed_confirmation(
    kl, signed_in, person
):
    fixtures.load(kl)
    page = signed_in.get("/delete-everything").content.decode()
    assert "/export.json" in page
    refused = signed_in.post("/delete-everything", {"confirmation": "yes"})
    assert refused.status_code == 400 and person.entries.count() == 6
    signed_in.post("/delete-everything", {"confirmation": "delete everything"})
    assert person.entries.count() == 0 and not person.plan_versions.exists()


def test_settings_change_the_zone_the_unit_and_products(kl, signed_in, person):
    signed_in.post("/settings/save", {"timezone": "America/New_York", "dose_unit": "capsule"})
    person.refresh_from_db()
    assert (person.timezone, person.dose_unit) == ("America/New_York", "capsule")
    bad = signed_in.post("/settings/save", {"timezone": "Mars/Base", "dose_unit": "g"})
    assert bad.status_code == 400 and "not an IANA time zone" in bad.content.decode()
    signed_in.post(
        "/settings/product", {"name": "Green Caps", "form": "capsule", "grams_per_capsule": "0.5"}
    )
    htmx(signed_in, "/log/dose", {"amount": "4", "product": "Green Caps"})
    assert person.entries.get().grams == 2.0  # a bare number is in capsules now


def test_the_app_is_installable(signed_in):
    manifest = json.loads(signed_in.get("/manifest.webmanifest").content)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    worker = signed_in.get("/sw.js")
    assert worker.headers["Content-Type"] == "text/javascript" and b"caches.open" in worker.content


def test_an_upgraded_style_or_script_reaches_an_installed_app(signed_in, monkeypatch, tmp_path):
    """The worker serves its shell from its cache first: a changed file must rename the cache,
    or a browser that installed the app keeps the old styles and scripts for ever."""
    from django.contrib.staticfiles import finders

    from kratomlog.web.views import app_shell

    worker = signed_in.get("/sw.js").content.decode()
    for name in app_shell.SHELL_FILES:  # the files digested are the files the worker keeps
        assert f'"/static/{name}"' in worker
    before = re.search(r'const SHELL = "(kratomlog-shell-[0-9a-f]{12})"', worker).group(1)
    upgraded = tmp_path / "app.css"
    upgraded.write_text(Path(finders.find("web/app.css")).read_text() + "\n.new { color: red; }\n")
    real_find = finders.find
    monkeypatch.setattr(
        finders, "find", lambda name, **kw: str(upgraded) if name == "web/app.css"
        else real_find(name, **kw)
    )
    app_shell.shell_digest.cache_clear()
    try:
        after = signed_in.get("/sw.js").content.decode()
    finally:
        monkeypatch.undo()
        app_shell.shell_digest.cache_clear()
    renamed = re.search(r'const SHELL = "(kratomlog-shell-[0-9a-f]{12})"', after).group(1)
    assert renamed != before


def test_an_import_can_be_undone_from_the_page(kl, signed_in, person):
    with fixtures.JOURNAL_CSV.open("rb") as upload:
        preview = signed_in.post(
            "/transfer/upload", {"format": "csv", "file": upload}
        ).content.decode()
    ticket = re.search(r'name="ticket" value="([^"]+)"', preview).group(1)
    page = signed_in.post("/transfer/import", {"ticket": ticket}, follow=True).content.decode()
    assert "Undo the import" in page and person.entries.count() == 6
    undone = signed_in.post("/undo", {"next": "transfer"}, follow=True).content.decode()
    assert "Undid: imported 6 entries from journal.csv." in undone and person.entries.count() == 0


def test_the_category_of_another_substance_can_be_edited(kl, signed_in, person):
    kl("substance", "doxycycline", "--category", "other", "--at", "08:00")
    entry = person.entries.get()
    assert 'name="category"' in signed_in.get(f"/entries/{entry.id}/edit").content.decode()
    signed_in.post(
        f"/entries/{entry.id}/edit", {"category": "antibiotic", "at": "2026-11-23T08:00"}
    )
    entry.refresh_from_db()
    assert entry.category == "antibiotic"
