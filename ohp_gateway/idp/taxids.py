"""Tax IDs: EIN with a valid IRS prefix; personal SSNs accepted only when acknowledged.

Nine bare digits cannot tell an SSN from an EIN (~83% of valid SSNs carry a valid EIN
prefix), so the hyphen position as typed decides: ``NN-NNNNNNN`` is an EIN, ``NNN-NN-NNNN``
an SSN. The FAQ calls an SSN "greatly discouraged", not forbidden.
"""

from __future__ import annotations

import re
from typing import Literal

import attrs

from .errors import ValidationError

TaxIdKind = Literal["ein", "ssn"]

# IRS "How EINs are Assigned and Valid EIN Prefixes" (also python-stdnum us/ein.dat).
_EIN_PREFIX_RANGES = (
    (1, 6),
    (10, 16),
    (20, 27),
    (30, 39),
    (40, 48),
    (50, 68),
    (71, 77),
    (80, 88),
    (90, 95),
    (98, 99),
)
VALID_EIN_PREFIXES = frozenset(
    f"{n:02d}" for low, high in _EIN_PREFIX_RANGES for n in range(low, high + 1)
)
_EIN = re.compile(r"(\d{2})-(\d{7})")
_SSN = re.compile(r"(\d{3})-(\d{2})-(\d{4})")
# SSA: well-known invalid sample numbers (Woolworth wallet card, ads).
_SAMPLE_SSNS = frozenset({"078051120", "457555462", "219099999"})


@attrs.frozen
class TaxId:
    """A parsed Tax ID. ``str()`` never shows a personal number in clear."""

    digits: str = attrs.field(repr=False)
    kind: TaxIdKind

    @property
    def formatted(self) -> str:
        """The full number as typed for its kind (share only with sites, never log)."""
        d = self.digits
        return f"{d[:2]}-{d[2:]}" if self.kind == "ein" else f"{d[:3]}-{d[3:5]}-{d[5:]}"

    @property
    def masked(self) -> str:
        """Safe for logs and screens: an EIN in full, an SSN as ``***-**-1234``."""
        return self.formatted if self.kind == "ein" else f"***-**-{self.digits[5:]}"

    def __str__(self) -> str:
        return self.masked


def parse_tax_id(value: str, field: str, declared: TaxIdKind | None = None) -> TaxId:
    """Parse one Tax ID; ``declared="ssn"`` marks a personal number whatever its shape."""
    text = value.strip()
    if (match := _EIN.fullmatch(text)) and declared != "ssn":
        return _ein(match.group(1), match.group(2), field)
    if (match := _SSN.fullmatch(text)) or (declared == "ssn" and _EIN.fullmatch(text)):
        digits = re.sub(r"\D", "", text)
        return _ssn(digits, field)
    shown = _mask_if_long(text)
    if declared == "ssn":
        raise ValidationError(field, f"{shown!r} is not an SSN (NNN-NN-NNNN)")
    raise ValidationError(field, f"{shown!r} is not an EIN (NN-NNNNNNN)")


def _ein(prefix: str, rest: str, field: str) -> TaxId:
    if prefix not in VALID_EIN_PREFIXES:
        raise ValidationError(
            field, f"'{prefix}-{rest}' has prefix {prefix}, which the IRS does not assign"
        )
    return TaxId(prefix + rest, "ein")


def _ssn(digits: str, field: str) -> TaxId:
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    masked = f"***-**-{serial}"
    if area in {"000", "666"} or area >= "900" or group == "00" or serial == "0000":
        raise ValidationError(field, f"{masked} is not a valid SSN")
    if digits in _SAMPLE_SSNS:
        raise ValidationError(field, f"{masked} is a published sample SSN")
    return TaxId(digits, "ssn")


def _mask_if_long(text: str) -> str:
    """Never echo something that could be a full SSN back into a message or a log."""
    digits = re.sub(r"\D", "", text)
    return f"***{digits[-4:]}" if len(digits) >= 8 else text[:20]


def parse_tax_ids(
    values: list[str], acknowledge_personal: bool, declared_ssn: frozenset[int] = frozenset()
) -> list[TaxId]:
    """Parse the Tax IDs of a registration (field names ``tax_ids[i]``).

    A personal SSN is refused unless ``acknowledge_personal`` is true: the FAQ says its use
    "may put the identity of the person at greater risk".
    """
    if not values:
        raise ValidationError("tax_ids", "at least one business Tax ID is required")
    parsed: list[TaxId] = []
    for index, value in enumerate(values):
        field = f"tax_ids[{index}]"
        declared: TaxIdKind | None = "ssn" if index in declared_ssn else None
        tax_id = parse_tax_id(value, field, declared)
        if tax_id.kind == "ssn" and not acknowledge_personal:
            raise ValidationError(
                field,
                f"{tax_id.masked} is a personal SSN; using one instead of a business Tax ID is "
                "greatly discouraged: register an EIN, or acknowledge the risk explicitly",
            )
        if tax_id.digits in {t.digits for t in parsed}:
            raise ValidationError(field, f"{tax_id.masked} is listed twice")
        parsed.append(tax_id)
    return parsed


def from_row(digits: str, kind: str) -> TaxId:
    """Rebuild a stored Tax ID."""
    return TaxId(digits, "ssn" if kind == "ssn" else "ein")
