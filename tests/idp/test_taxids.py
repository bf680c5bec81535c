from __future__ import annotations

import pytest

from ohp_gateway.idp.errors import ValidationError
from ohp_gateway.idp.taxids import VALID_EIN_PREFIXES, parse_tax_id, parse_tax_ids


def test_there_are_83_valid_ein_prefixes() -> None:
    assert len(VALID_EIN_PREFIXES) == 83


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("91-1234567", id="washington"),
        pytest.param("01-0000001", id="low"),
        pytest.param("99-9999999", id="high"),
        pytest.param(" 46-1234567 ", id="spaces"),
    ],
)
def test_valid_ein_is_accepted(value: str) -> None:
    assert parse_tax_id(value, "tax_ids[0]").kind == "ein"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param("12-345", r"is not an EIN \(NN-NNNNNNN\)", id="short"),
        pytest.param("07-1234567", "prefix 07", id="prefix-07"),
        pytest.param("00-1234567", "prefix 00", id="prefix-00"),
        pytest.param("89-1234567", "prefix 89", id="prefix-89"),
        pytest.param("911234567", "is not an EIN", id="bare-digits"),
        pytest.param("AB-1234567", "is not an EIN", id="letters"),
    ],
)
def test_bad_ein_is_refused_naming_field_and_reason(value: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        parse_tax_id(value, "tax_ids[1]")
    assert info.value.field == "tax_ids[1]"
    assert str(info.value).startswith("tax_ids[1]: ")


def test_error_message_is_exactly_the_documented_sentence() -> None:
    with pytest.raises(ValidationError) as info:
        parse_tax_id("12-345", "tax_ids[1]")
    assert str(info.value) == "tax_ids[1]: '12-345' is not an EIN (NN-NNNNNNN)"


def test_ssn_shaped_number_is_refused_without_acknowledgement() -> None:
    with pytest.raises(ValidationError, match="greatly discouraged") as info:
        parse_tax_ids(["123-45-6789"], acknowledge_personal=False)
    assert "6789" in str(info.value) and "123-45" not in str(info.value)


def test_ssn_with_acknowledgement_is_accepted_and_masked() -> None:
    [tax_id] = parse_tax_ids(["123-45-6789"], acknowledge_personal=True)
    assert tax_id.kind == "ssn"
    assert tax_id.masked == str(tax_id) == "***-**-6789"
    assert "123" not in repr(tax_id)


def test_number_declared_as_ssn_is_personal_even_in_ein_shape() -> None:
    with pytest.raises(ValidationError, match="personal SSN"):
        parse_tax_ids(["12-3456789"], acknowledge_personal=False, declared_ssn=frozenset({0}))


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("000-12-3456", id="area-000"),
        pytest.param("666-12-3456", id="area-666"),
        pytest.param("912-12-3456", id="area-9xx"),
        pytest.param("123-00-4567", id="group-00"),
        pytest.param("123-45-0000", id="serial-0000"),
        pytest.param("078-05-1120", id="sample"),
    ],
)
def test_impossible_ssn_is_refused_without_echoing_it(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_tax_id(value, "tax_ids[0]")
    assert value not in str(info.value)


def test_same_tax_id_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="listed twice"):
        parse_tax_ids(["91-1234567", "91-1234567"], acknowledge_personal=False)


def test_registration_needs_a_tax_id() -> None:
    with pytest.raises(ValidationError, match="at least one"):
        parse_tax_ids([], acknowledge_personal=False)
