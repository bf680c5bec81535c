"""A Django participating site: ``wsgi.py`` and ``asgi.py`` each wrap Django in one line."""
