from __future__ import annotations

import pytest

from ohp_gateway.errors import ConfigError
from ohp_gateway.keys import Key, Keyring, b64url_decode, b64url_encode


def test_generate_gives_one_256_bit_key() -> None:
    ring = Keyring.generate()
    assert len(ring) == 1 and len(ring.sealing_key.secret) == 32


def test_serialize_parse_round_trip_keeps_order() -> None:
    ring = Keyring.generate("a").rotate(Keyring.generate("b"))
    text = ring.serialize()
    assert text.startswith("b:") and ",a:" in text
    assert Keyring.parse(text) == ring
    assert Keyring.parse(text.replace(",", "\n  ")) == ring


def test_rotate_puts_the_new_key_first_and_keeps_old_ones() -> None:
    old = Keyring.generate("old")
    new = old.rotate()
    assert new.ids()[1:] == ("old",) and new.sealing_key.kid != "old"


def test_repr_never_shows_secrets() -> None:
    ring = Keyring.generate("k1")
    assert b64url_encode(ring.sealing_key.secret) not in repr(ring)
    assert "***" in repr(ring.sealing_key)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("nocolon", "not 'kid:base64url_key'", id="no-colon"),
        pytest.param("k1:!!!", "not base64url", id="bad-base64"),
        pytest.param("k1:" + b64url_encode(b"short"), "AES-256 needs 32", id="short-key"),
        pytest.param("k.1:" + b64url_encode(bytes(32)), "must match", id="dot-in-kid"),
        pytest.param(
            f"k1:{b64url_encode(bytes(32))},k1:{b64url_encode(bytes(32))}", "twice", id="dup"
        ),
    ],
)
def test_invalid_keyrings_are_config_errors_on_keys(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        Keyring.parse(text)
    assert info.value.key == "keys"


def test_base64url_is_strict_and_canonical() -> None:
    assert b64url_decode(b64url_encode(b"\xff\x00")) == b"\xff\x00"
    with pytest.raises(ValueError):
        b64url_decode("_w1")  # non-zero trailing bits: another spelling of the same bytes
    with pytest.raises(ValueError):
        b64url_decode("_w==")


def test_key_rejects_wrong_size() -> None:
    with pytest.raises(ConfigError):
        Key("k", b"x" * 16)
