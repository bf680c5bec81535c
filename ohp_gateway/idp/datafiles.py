"""Word lists shipped in ``ohp_gateway/idp/data`` (one entry a line, ``#`` comments)."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def word_list(name: str) -> frozenset[str]:
    """The lower-cased entries of a shipped list."""
    text = resources.files(__package__).joinpath("data", name).read_text("utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line)
