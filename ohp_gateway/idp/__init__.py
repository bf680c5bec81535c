"""Reference identity provider: the trusted community's organizations, subscribers and rules."""

from .web.app import create_app as create_app
