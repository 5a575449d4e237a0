"""Property: whatever is typed or imported, the CLI exits 0 or 2, never shows a traceback, and
after an exit 2 the journal is exactly as it was."""

import json
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kratomlog.cli import app
from tests.integration.journal_state import export_document, state

HOSTILE = [
    "nan", "inf", "-inf", "Infinity", "1e308", "1e20", "-1", "0", "0.0", "9" * 400,
    "1,000", "0,5", "1,5g", "²", "½", "٣", "3g", "500mg", "2 caps", "1.5 tsp", "3", "50.5g",
    "0001-01-01", "9999-12-31", "1969-12-31", "2026-11-23", "0001-01-01T00:00Z",
    "9999-12-31T23:59+14:00", "2026-03-29T02:30", "2026-10-25T02:30", "yesterday 23:59",
    "25:00", "08:00", "now", "", " ", "\x00", "\n", "x" * 50_001, "Europe/Berlin",
    "Europe/" + "x" * 300, "Mars/Base", "occasional", "break-90", "10%", "100%", "0.5g",
    "phq9", "gad7", "withdrawal", "craving", "1,0,2,0,1,0,0,1,0", "²,0,0,0,0,0,0,0,0",
    "g", "mg", "capsule", "kg", "powder", "7-OH product", "alcohol", "opioid", "timezone",
    "unit", "crisis-resources", "99999999999999999999", "-99999999999999999999",
]  # fmt: skip
WORD = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(str),
    st.dates(min_value=date(1, 1, 1)).map(str),
    st.datetimes(min_value=datetime(1, 1, 2), timezones=st.just(UTC)).map(datetime.isoformat),
)
NUMBER = st.one_of(st.sampled_from(HOSTILE), st.integers().map(str), st.floats().map(str))


def options(*names: str, flags: tuple[str, ...] = ()) -> st.SearchStrategy[list[str]]:
    """Some of the named options, each with a value, and some of the flags."""
    pairs = st.lists(st.tuples(st.sampled_from(names), WORD), max_size=3) if names else st.just([])
    chosen = st.lists(st.sampled_from(flags), max_size=2) if flags else st.just([])
    return st.tuples(pairs, chosen).map(
        lambda both: [part for pair in both[0] for part in pair] + both[1]
    )


def build(head, words=0, names=(), flags=()):
    return st.tuples(
        st.just(list(head)),
        st.lists(WORD, min_size=words, max_size=words + 1),
        options(*names, flags=flags),
    ).map(lambda parts: parts[0] + parts[1] + parts[2])


AT = ("--at",)
COMMANDS = st.one_of(
    build(["dose"], 1, (*AT, "--product", "--form", "--purpose", "--note"), ("--confirm-high",)),
    build(["magnesium"], 1, (*AT, "--form", "--note")),
    build(["substance"], 2, (*AT, "--category", "--note")),
    build(["entries"], 0, ("--from", "--to"), ("--json",)),
    build(["edit"], 1, (*AT, "--amount", "--product", "--form", "--purpose", "--note")),
    build(["delete"], 1),
    build(["revisions"], 1, flags=("--json",)),
    build(["undo"]),
    build(
        ["product", "set"],
        1,
        ("--form", "--vein", "--vendor", "--batch", "--grams-per-capsule", "--grams-per-teaspoon"),
    ),
    build(["product", "list"]),
    build(["config", "set"], 2),
    build(["config", "show"]),
    build(["plan", "set"], 1, ("--start",)),
    build(["plan", "show"], flags=("--json",)),
    build(["plan", "presets"]),
    st.tuples(NUMBER, WORD, NUMBER, st.lists(st.sampled_from(["--dry-run"]), max_size=1)).map(
        lambda p: ["plan", "taper", "--from", p[0], "--step", p[1], "--every", p[2], *p[3]]
    ),
    build(["status"], 0, ("--on",), ("--json",)),
    build(["history"], 0, ("--from", "--to"), ("--json",)),
    st.tuples(WORD, WORD).map(lambda p: ["checkin", p[0], "--answers", p[1]]),
    st.sampled_from(["phq9", "craving", "x"]).map(lambda key: ["checkin", key]),  # no answers
    st.lists(NUMBER, min_size=4, max_size=4).map(
        lambda n: [
            "sleep",
            "--bed",
            "23:00",
            "--tried",
            "23:10",
            "--sol",
            n[0],
            "--wakes",
            n[1],
            "--waso",
            n[2],
            "--final",
            "06:00",
            "--up",
            "06:30",
            "--quality",
            n[3],
        ]
    ),
    build(["activity"], 1, ("--minutes", *AT, "--note")),
    build(["due"], flags=("--json",)),
    build(["recovery"], flags=("--json",)),
    st.sampled_from(["0", "29", "30", "90", "3654", "1000000000", "-5", "nan", "x"]).map(
        lambda days: ["demo", "--days", days]
    ),
    build(["export"], 1),
)

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)


def spoiled_export(path: list[str], value) -> str:
    """The hand-written export with one value replaced (or one part taken out)."""
    document = export_document()
    target = document
    for key in path[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value == "<remove>":
        target.pop(path[-1] if isinstance(target, dict) else int(path[-1]))
    else:
        target[path[-1] if isinstance(target, dict) else int(path[-1])] = value
    return json.dumps(document)


SPOILABLE = [
    ["person", "timezone"], ["person", "dose_unit"], ["person", "name"], ["entries"],
    ["entries", "0", "uid"], ["entries", "0", "taken_at"], ["entries", "0", "local_day"],
    ["entries", "0", "grams"], ["entries", "0", "amount"], ["entries", "0", "substance"],
    ["entries", "0", "deleted"], ["entries", "0", "timezone"], ["entries", "0", "form"],
    ["entries", "0", "product"], ["entries", "0", "imported_by"], ["changes", "0", "undone"],
    ["changes", "0", "at"], ["changes", "0", "entry"], ["changes", "0", "before"],
    ["plans", "0", "rules"], ["plans", "0", "start"], ["plans", "0", "rules", "0", "window_days"],
    ["plans", "0", "rules", "0", "kind"], ["plans", "0", "withdrawn"], ["checkins"], ["sleep"],
    ["activities"], ["crisis_resources"], ["products"],
]  # fmt: skip
FILES = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
    JSON_VALUES.map(json.dumps),
    st.lists(st.lists(WORD, min_size=1, max_size=6), max_size=5).map(
        lambda rows: (
            "time,substance,amount,unit,form,product\n" + "\n".join(",".join(r) for r in rows)
        )
    ),
    st.tuples(st.sampled_from(SPOILABLE), st.one_of(JSON_VALUES, st.just("<remove>"))).map(
        lambda spoil: spoiled_export(*spoil)
    ),
)
IMPORTS = st.tuples(st.sampled_from(["csv", "pwjournal", "kratomtracker", "json", "xml"]), FILES)


def check(kl_run, args: list[str]) -> None:
    before = state()
    result = kl_run(args)
    assert result.exit_code in (0, 2), f"{args!r:.300}: exit {result.exit_code}\n{result.output}"
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert state() == before, f"{args!r:.300} exited 2 but changed the journal"


def runner(tmp_path):
    from typer.testing import CliRunner

    cli = CliRunner()
    safe = {"FILE": str(tmp_path / "out.txt"), "DIR": str(tmp_path)}

    def run(args):
        return cli.invoke(app, [safe.get(a, a) for a in args], input="", catch_exceptions=True)

    return run


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@FUZZ
@given(st.lists(COMMANDS, min_size=1, max_size=3))
def test_any_command_line_exits_0_or_2_and_bad_input_writes_nothing(kl, tmp_path, commands):
    run = runner(tmp_path)
    for args in commands:
        check(run, args)


@FUZZ
@given(
    st.lists(
        st.one_of(
            st.tuples(
                st.just("export"),
                st.sampled_from(["json", "csv", "xml"]),
                st.sampled_from(["FILE", "DIR", "/nonexistent/x", ""]),
            ),
            st.tuples(st.just("due"), st.just("--ics"), st.sampled_from(["FILE", "DIR", ""])),
            st.tuples(st.just("plan"), st.just("set"), FILES),
            st.tuples(st.just("config"), st.just("set crisis-resources"), FILES),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_files_given_to_the_cli_exit_0_or_2(kl, tmp_path, actions):
    run = runner(tmp_path)
    written = tmp_path / "given.txt"
    for kind, what, value in actions:
        if kind == "export":
            args = ["export", what, "--output", value]
        elif kind == "due":
            args = ["due", what, value]
        else:
            written.write_text(value, encoding="utf-8", errors="surrogatepass")
            args = [kind, *what.split(), str(written)]
        check(run, args)


@FUZZ
@given(st.lists(IMPORTS, min_size=1, max_size=3))
def test_any_file_imported_exits_0_or_2_and_a_refused_one_writes_nothing(kl, tmp_path, files):
    run = runner(tmp_path)
    path = tmp_path / "import.txt"
    for kind, content in files:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
        check(run, ["import", kind, str(path)])

