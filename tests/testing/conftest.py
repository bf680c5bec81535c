"""Fixtures for the testing-toolkit tests; also enables pytest's ``pytester``."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # pytest_plugins is refused in a conftest below the root one; registering here is not.
    config.pluginmanager.import_plugin("pytester")
