"""Fixtures of the example-site tests (defined in example_support, importable by name)."""

from __future__ import annotations

from example_support import servers, site_toml

__all__ = ["servers", "site_toml"]
