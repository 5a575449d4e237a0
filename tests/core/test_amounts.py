import pytest

from kratomlog.core.amounts import Amount, kratom_grams, magnesium_elemental_mg, parse_amount
from kratomlog.core.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3g", Amount(3, "g")),
        ("3 g", Amount(3, "g")),
        ("2.5 grams", Amount(2.5, "g")),
        ("0,5g", Amount(0.5, "g")),
        ("500mg", Amount(500, "mg")),
        ("2 caps", Amount(2, "capsule")),
        ("1 capsule", Amount(1, "capsule")),
        ("1.5 tsp", Amount(1.5, "teaspoon")),
        ("2 teaspoons", Amount(2, "teaspoon")),
    ],
)
def test_it_reads_amounts_as_people_write_them(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["0g", "0", "0.0 mg"])
def test_it_rejects_zero_amounts_naming_the_field(text):
    with pytest.raises(InputError, match=r"^AMOUNT: .*(not above zero|no unit)"):
        parse_amount(text)


def test_it_rejects_negative_amounts_as_not_an_amount():
    with pytest.raises(InputError, match=r"^AMOUNT: '-3g' is not an amount"):
        parse_amount("-3g")


def test_it_rejects_unknown_units_and_lists_the_accepted_ones():
    with pytest.raises(InputError) as caught:
        parse_amount("3 oz")
    assert caught.value.field == "AMOUNT"
    assert "unknown unit 'oz'" in str(caught.value)
    assert "g, mg, capsules (caps) or teaspoons (tsp)" in str(caught.value)


def test_a_bare_number_needs_a_unit():
    with pytest.raises(InputError, match="has no unit"):
        parse_amount("3")


def test_milligrams_become_grams():
    assert kratom_grams(Amount(500, "mg")) == 0.5


def test_capsules_use_the_products_grams_per_capsule():
    assert kratom_grams(Amount(4, "capsule"), grams_per_capsule=0.5, product="Caps") == 2.0


def test_teaspoons_use_the_products_grams_per_teaspoon():
    assert kratom_grams(Amount(1.5, "teaspoon"), grams_per_teaspoon=2.5, product="Red") == 3.75


def test_capsules_without_a_product_say_how_to_fix_it():
    with pytest.raises(InputError, match=r"^--product: capsules need a product"):
        kratom_grams(Amount(2, "capsule"))


def test_a_product_without_grams_per_capsule_names_the_option_to_set():
    with pytest.raises(InputError, match="--grams-per-capsule"):
        kratom_grams(Amount(2, "capsule"), product="Green")


@pytest.mark.parametrize(
    ("milligrams", "form", "elemental"),
    [
        (400, "oxide", 241.2),  # 60.3%
        (1000, "citrate", 162.0),  # 16.2%
        (1000, "glycinate", 141.0),  # 14.1%
        (1000, "bisglycinate", 141.0),
        (1000, "chloride", 120.0),  # hexahydrate, 12.0%
        (1000, "sulfate", 99.0),  # heptahydrate (Epsom), 9.9%
        (200, "elemental", 200.0),
    ],
)
def test_magnesium_compounds_become_elemental_milligrams(milligrams, form, elemental):
    assert magnesium_elemental_mg(Amount(milligrams, "mg"), form) == pytest.approx(elemental)


def test_magnesium_in_grams_is_converted_too():
    assert magnesium_elemental_mg(Amount(1, "g"), "citrate") == pytest.approx(162.0)


def test_a_magnesium_form_without_a_sourced_fraction_is_refused_not_guessed():
    with pytest.raises(InputError, match=r"^--form: no elemental fraction is known for 'malate'"):
        magnesium_elemental_mg(Amount(500, "mg"), "malate")


def test_magnesium_must_be_weighed():
    with pytest.raises(InputError, match="give mg or g"):
        magnesium_elemental_mg(Amount(2, "capsule"), "citrate")
