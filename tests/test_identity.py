from __future__ import annotations

import attrs
import pytest
from core_support import build_subscriber

from ohp_gateway.identity import Subscriber, mask_email, mask_tax_id


def test_subscriber_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        build_subscriber().name = "x"  # type: ignore[misc]


def test_lists_become_tuples_and_a_lone_string_is_one_item() -> None:
    s = build_subscriber(roles=["Billing"], tax_ids="91-1234567")
    assert s.roles == ("Billing",) and s.tax_ids == ("91-1234567",)


def test_helpers() -> None:
    s = build_subscriber()
    assert s.has_role("Billing") and not s.has_role("billing")
    assert s.has_tax_id("91-1234567") and not s.has_tax_id("91-0000000")


def test_repr_masks_email_and_tax_ids() -> None:
    text = repr(build_subscriber(tax_ids=("91-1234567", "123-45-6789")))
    assert "jane.doe@" not in text and "j***@valleyclinic.example" in text
    assert "1234567" not in text and "123-45" not in text
    assert "***-**-6789" in text and "sid-1" not in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("subscriber_id", "", "subscriber_id: must not be empty", id="empty-id"),
        pytest.param("name", "a\r\nb", "control character", id="crlf-name"),
        pytest.param("name", "x\x00", "control character", id="nul"),
        pytest.param("name", "x\ud800", "lone surrogate", id="surrogate"),
        pytest.param("email", "not-an-email", "email:", id="email"),
        pytest.param("tax_ids", ("12-345",), "tax_ids[0]: '12-345' is not a Tax ID", id="ein"),
        pytest.param("tax_ids", ("911234567",), "tax_ids[0]", id="bare-digits"),
        pytest.param("roles", ("A,B",), "roles[0]", id="comma-in-role"),
        pytest.param("auth_time", -1, "auth_time", id="negative-time"),
        pytest.param("auth_time", True, "auth_time", id="bool-time"),
        pytest.param("name", "x" * 300, "at most 256", id="too-long"),
    ],
)
def test_invalid_values_name_the_field(field: str, value: object, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message.replace("[", r"\[")):
        build_subscriber(**{field: value})


def test_non_string_field_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="name: expected str"):
        build_subscriber(name=5)


def test_maskers() -> None:
    assert mask_email("jane@x.org") == "j***@x.org"
    assert mask_tax_id("123-45-6789") == "***-**-6789"
    assert mask_tax_id("91-1234567") == "**-***4567"


def test_to_json_is_plain_data() -> None:
    data = build_subscriber().to_json()
    assert data["tax_ids"] == ["91-1234567", "91-7654321"]
    assert set(data) == {a.name for a in attrs.fields(Subscriber)}
