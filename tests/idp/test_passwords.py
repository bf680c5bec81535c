from __future__ import annotations

import pytest

from ohp_gateway.idp.config import TEST_ARGON2, Argon2Params, IdpConfig
from ohp_gateway.idp.errors import ValidationError
from ohp_gateway.idp.passwords import PasswordHasher, check_password

CONTEXT = ("ohp12345678", "Sally Smith", "sally.smith@clinic.example")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        pytest.param("short phrase", "at least 15", id="too-short"),
        pytest.param("passwordpassword", "common", id="common"),
        pytest.param("Password12345678", "common", id="common-padded"),
        pytest.param("aaaaaaaaaaaaaaaaaa", "repeated", id="repeated"),
        pytest.param("abcdefghijklmnopq", "common|repeated", id="sequence"),
        pytest.param("my ohp12345678 password", "Subscriber ID", id="contains-id"),
        pytest.param("sally likes blue tea", "name", id="contains-first-name"),
        pytest.param("blue tea for smith!!", "name", id="contains-last-name"),
        pytest.param("x sally.smith blue tea", "e-mail", id="contains-email"),
    ],
)
def test_password_policy_refuses(password: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        check_password(password, IdpConfig(), CONTEXT)
    assert info.value.field == "password"


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("violet kettle marching slowly", id="passphrase"),
        pytest.param("abc def ghi jkl mno", id="no-composition-rules"),
        pytest.param("ÉtéÀParisAvecLesAmis", id="unicode"),
    ],
)
def test_password_policy_accepts_long_passphrases_without_composition_rules(password: str) -> None:
    check_password(password, IdpConfig(), CONTEXT)


def test_default_hash_is_argon2id_with_owasp_cost() -> None:
    hasher = PasswordHasher()
    encoded = hasher.hash("violet kettle marching slowly")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("violet kettle marching slowly", encoded)
    assert not hasher.needs_rehash(encoded)


def test_wrong_password_or_garbage_hash_does_not_verify() -> None:
    hasher = PasswordHasher(TEST_ARGON2)
    encoded = hasher.hash("violet kettle marching slowly")
    assert not hasher.verify("violet kettle marching slowlY", encoded)
    assert not hasher.verify("anything", "not-a-phc-string")


def test_hash_with_old_parameters_needs_rehash() -> None:
    old = PasswordHasher(Argon2Params(memory_kib=32, iterations=1, lanes=1)).hash("x" * 16)
    assert PasswordHasher(TEST_ARGON2).needs_rehash(old)
    assert PasswordHasher(TEST_ARGON2).verify("x" * 16, old)
