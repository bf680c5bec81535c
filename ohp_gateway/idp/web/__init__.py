"""The identity provider's web pages: sign-in, account, registration, administrator and
support consoles. Server-rendered (Werkzeug routing + Jinja2), usable without JavaScript."""
