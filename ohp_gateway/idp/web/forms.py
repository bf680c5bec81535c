"""Form descriptions rendered by one template macro, and service errors mapped onto fields.

Every input gets a ``<label for>``; an error names the field's label and the reason and is
tied to its input with ``aria-describedby`` (WCAG 2.2, 3.3.1 Error Identification).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import attrs
from werkzeug.datastructures import MultiDict

from ..errors import IdpError

FieldKind = str  # text, email, tel, password, textarea, checkbox, choices, radio, hidden

_INDEXED = re.compile(r"^(?P<base>[\w.]+)\[(?P<index>\d+)\]$")


@attrs.frozen
class Field:
    name: str
    label: str
    kind: FieldKind = "text"
    hint: str = ""
    required: bool = True
    #: (value, label) pairs of a ``choices`` (checkboxes) or ``radio`` field.
    choices: tuple[tuple[str, str], ...] = ()
    autocomplete: str = "off"


@attrs.frozen
class Form:
    """One form: where it posts, its fields in order, and its submit button."""

    id: str
    action: str
    fields: tuple[Field, ...]
    submit: str
    #: service error field -> form field name, when they differ ("applicant.email").
    aliases: Mapping[str, str] = attrs.field(factory=dict)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


class Errors(dict[str, str]):
    """Field name -> message; the key ``""`` holds what concerns the whole form."""

    def add(self, field: str, message: str) -> None:
        self[field] = f"{self[field]}; {message}" if field in self else message


def required(form: Form, values: MultiDict[str, str]) -> Errors:
    """A message for each required field left empty (checkboxes: left unticked)."""
    errors = Errors()
    for f in form.fields:
        if f.required and f.kind != "hidden" and not values.get(f.name, "").strip():
            errors.add(f.name, f"{f.label}: {_empty(f)}")
    return errors


def _empty(f: Field) -> str:
    if f.kind == "checkbox":
        return "must be ticked to continue"
    if f.kind in ("choices", "radio"):
        return "choose at least one"
    return "is required"


def from_error(form: Form, error: IdpError) -> Errors:
    """Place a service error on the field it names, prefixed with that field's label."""
    errors = Errors()
    name, item = _split(form.aliases.get(error.field, error.field))
    name = form.aliases.get(name, name)
    target = form.field(name)
    if target is None:
        errors.add("", _sentence(error.field, error.reason))
        return errors
    where = f" (entry {item + 1})" if item is not None else ""
    errors.add(name, f"{target.label}{where}: {error.reason}")
    return errors


def _split(field: str) -> tuple[str, int | None]:
    match = _INDEXED.match(field)
    if match is None:
        return field, None
    return match["base"], int(match["index"])


def _sentence(field: str, reason: str) -> str:
    text = f"{field}: {reason}" if field and field != "actor" else reason
    return text[:1].upper() + text[1:]


def lines(value: str) -> list[str]:
    """Several values typed one per line (or separated by commas)."""
    return [part.strip() for part in re.split(r"[\n,;]", value) if part.strip()]


def ticked(values: Mapping[str, str], name: str) -> bool:
    return values.get(name, "") not in ("", "0", "off", "false")


def same(names: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Choices whose value is their label."""
    return tuple((name, name) for name in names)
