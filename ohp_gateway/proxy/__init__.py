"""The standalone reverse proxy: ``ohp-gateway proxy --upstream URL`` in front of any site."""

from __future__ import annotations

from .app import ProxyApp as ProxyApp
from .app import build_app as build_app

__all__ = ["ProxyApp", "build_app"]
