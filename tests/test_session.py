from __future__ import annotations

import pytest
from core_support import START, build_subscriber
from hypothesis import given, settings
from hypothesis import strategies as st

from ohp_gateway.errors import (
    AbsoluteExpired,
    CookieTooLarge,
    ForeignSession,
    IdleExpired,
    InvalidSession,
    MalformedSession,
    TamperedSession,
)
from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring
from ohp_gateway.session import SessionCodec

KEYS = Keyring.generate("k1")
CODEC = SessionCodec(KEYS, "site-a", idle_timeout=1800, absolute_timeout=28800, clock_skew=30)

text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)
subscribers = st.builds(
    Subscriber,
    subscriber_id=text,
    name=text,
    email=st.builds(
        lambda a, b: f"{a}@{b}",
        st.from_regex(r"[a-z0-9.]{1,20}", fullmatch=True),
        st.from_regex(r"[a-z]{1,10}\.org", fullmatch=True),
    ),
    organization_id=text,
    organization_name=text,
    tax_ids=st.lists(st.from_regex(r"\d{2}-\d{7}|\d{3}-\d{2}-\d{4}", fullmatch=True), max_size=5),
    roles=st.lists(text.filter(lambda r: "," not in r), max_size=5),
    session_id=text,
    auth_time=st.floats(min_value=0, max_value=4e9),
)


@given(subscribers)
def test_seal_then_open_round_trips_every_valid_subscriber(subscriber: Subscriber) -> None:
    now = subscriber.auth_time
    session = CODEC.open(CODEC.seal(subscriber, now), now)
    assert session.subscriber == subscriber
    assert session.last_seen == now


def test_cookie_format_is_version_kid_payload(subscriber: Subscriber) -> None:
    value = CODEC.seal(subscriber, START)
    version, kid, payload = value.split(".")
    assert (version, kid) == ("v1", "k1")
    assert "=" not in payload and "Jane" not in value  # encrypted, unpadded base64url


def test_two_seals_of_the_same_subscriber_differ(subscriber: Subscriber) -> None:
    assert CODEC.seal(subscriber, START) != CODEC.seal(subscriber, START)


@settings(max_examples=300)
@given(st.data())
def test_flipping_any_bit_is_rejected(data: st.DataObject) -> None:
    value = CODEC.seal(build_subscriber(), START).encode()
    index = data.draw(st.integers(0, len(value) - 1))
    bit = data.draw(st.integers(0, 7))
    flipped = bytearray(value)
    flipped[index] ^= 1 << bit
    with pytest.raises(InvalidSession):
        CODEC.open(flipped.decode("latin-1"), START)


@given(st.data())
def test_every_truncation_is_rejected(data: st.DataObject) -> None:
    value = CODEC.seal(build_subscriber(), START)
    cut = data.draw(st.integers(0, len(value) - 1))
    with pytest.raises(InvalidSession):
        CODEC.open(value[:cut], START)
    with pytest.raises(InvalidSession):
        CODEC.open(value[cut + 1 :], START)


@settings(max_examples=500)
@given(st.text(max_size=300) | st.from_regex(r"v1\.k1\.[A-Za-z0-9_-]{0,200}", fullmatch=True))
def test_random_strings_raise_only_invalid_session(value: str) -> None:
    with pytest.raises(InvalidSession):
        CODEC.open(value, START)


def test_cookie_sealed_for_another_site_does_not_open_even_with_the_same_key(
    subscriber: Subscriber,
) -> None:
    other = SessionCodec(KEYS, "site-b")
    with pytest.raises(TamperedSession):
        other.open(CODEC.seal(subscriber, START), START)


def test_cookie_sealed_with_an_unknown_key_is_foreign(subscriber: Subscriber) -> None:
    stranger = SessionCodec(Keyring.generate("k9"), "site-a")
    with pytest.raises(ForeignSession) as info:
        CODEC.open(stranger.seal(subscriber, START), START)
    assert info.value.kid == "k9"


def test_first_key_seals_and_old_keys_still_open(subscriber: Subscriber) -> None:
    old = SessionCodec(KEYS, "site-a")
    rotated = SessionCodec(KEYS.rotate(Keyring.generate("k2")), "site-a")
    old_cookie = old.seal(subscriber, START)
    assert rotated.open(old_cookie, START).subscriber == subscriber
    assert rotated.seal(subscriber, START).startswith("v1.k2.")


@pytest.mark.parametrize(
    ("elapsed", "ok"),
    [
        pytest.param(0, True, id="fresh"),
        pytest.param(1800, True, id="exactly-idle-timeout"),
        pytest.param(1801, False, id="one-second-past-idle-timeout"),
    ],
)
def test_idle_timeout_boundary(subscriber: Subscriber, elapsed: int, ok: bool) -> None:
    value = CODEC.seal(subscriber, START)
    if ok:
        assert CODEC.open(value, START + elapsed).idle_expires_at == START + 1800
    else:
        with pytest.raises(IdleExpired) as info:
            CODEC.open(value, START + elapsed)
        assert info.value.last_seen == START
        assert info.value.status_hint == 401


def test_absolute_timeout_counts_from_auth_time_however_active(subscriber: Subscriber) -> None:
    last_seen = START + 28800  # active a moment ago
    value = CODEC.seal(subscriber, last_seen)
    assert CODEC.open(value, START + 28800).absolute_expires_at == START + 28800
    with pytest.raises(AbsoluteExpired) as info:
        CODEC.open(value, START + 28801)
    assert info.value.auth_time == START


def test_times_from_the_future_beyond_skew_are_rejected(subscriber: Subscriber) -> None:
    assert CODEC.open(CODEC.seal(subscriber, START + 30), START)
    with pytest.raises(MalformedSession):
        CODEC.open(CODEC.seal(subscriber, START + 31), START)


def test_oversized_session_names_the_claim_sizes() -> None:
    big = build_subscriber(roles=tuple(f"role-{i:04d}-" + "x" * 40 for i in range(80)))
    with pytest.raises(CookieTooLarge) as info:
        CODEC.seal(big, START)
    assert info.value.claim_sizes["roles"] > 3000
    assert "roles=" in str(info.value)


def test_session_expires_at_is_the_earlier_expiry(subscriber: Subscriber) -> None:
    late = START + 28000
    session = CODEC.open(CODEC.seal(subscriber, late), late)
    assert session.expires_at == START + 28800
