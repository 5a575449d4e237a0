"""A NUL character in any text of any command: refused, named, nothing written (PostgreSQL
stores no NUL in text; the fuzzer found one command that crashed on it)."""

import pytest


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["product", "set", "a\x00b"], "NAME"),
        (["dose", "2g", "--note", "\x00"], "--note"),
        (["config", "set", "timezone", "Europe/\x00Berlin"], "VALUE"),
    ],
)
def test_a_nul_in_any_text_is_refused_naming_where_it_was(kl, args, named):
    from kratomlog.journal.models import Entry, Product

    refused = kl(*args, code=2)
    assert f"error: {named}: holds a NUL character" in refused.output
    assert not Product.objects.exists() and not Entry.objects.exists()
