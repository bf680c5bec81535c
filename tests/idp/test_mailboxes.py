from __future__ import annotations

import pytest

from ohp_gateway.idp.errors import ValidationError
from ohp_gateway.idp.mailboxes import check_professional_email, parse_email


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("info@clinic.example", id="info"),
        pytest.param("FrontDesk@clinic.example", id="case"),
        pytest.param("front.desk@clinic.example", id="dot"),
        pytest.param("front-desk@clinic.example", id="hyphen"),
        pytest.param("front_desk@clinic.example", id="underscore"),
        pytest.param("billing+sally@clinic.example", id="plus-tag"),
        pytest.param("alaska@clinic.example", id="state"),
        pytest.param("new.york@clinic.example", id="two-word-state"),
        pytest.param("manager@clinic.example", id="manager"),
        pytest.param("surgery@clinic.example", id="surgery"),
        pytest.param("office2@clinic.example", id="numbered"),
    ],
)
def test_generic_mailbox_is_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="generic mailbox") as info:
        check_professional_email(parse_email(address), "Sally Smith")
    assert info.value.field == "email"


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("sally.smith@clinic.example", id="full"),
        pytest.param("smith@clinic.example", id="last"),
        pytest.param("smiths@clinic.example", id="last-initial"),
        pytest.param("sally@clinic.example", id="first"),
        pytest.param("ss@clinic.example", id="initials"),
    ],
)
def test_faq_examples_of_unique_professional_email_pass_silently(address: str) -> None:
    assert check_professional_email(parse_email(address), "Sally Smith") == []


def test_short_role_like_entry_only_warns() -> None:
    warnings = check_professional_email(parse_email("md@clinic.example"), "Mark Davis")
    assert any("role mailbox" in w for w in warnings)


def test_local_part_without_name_or_initials_warns() -> None:
    warnings = check_professional_email(parse_email("bluebird@clinic.example"), "Sally Smith")
    assert warnings == ["email: 'bluebird@clinic.example' shows no part of the name 'Sally Smith'"]


@pytest.mark.parametrize(
    "address", ["sally", "sally@", "@clinic.example", "a b@c.example", "sally@localhost"]
)
def test_malformed_address_is_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="is not an e-mail address"):
        parse_email(address)


def test_uniqueness_key_ignores_case_and_plus_tag() -> None:
    assert parse_email("Sally.Smith+x@Clinic.Example").key == "sally.smith@clinic.example"
