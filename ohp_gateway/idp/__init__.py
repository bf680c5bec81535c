"""Reference identity provider: the trusted community's organizations, subscribers and rules."""
