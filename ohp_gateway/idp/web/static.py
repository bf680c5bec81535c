"""The stylesheet (and any other file of ``idp/static``), served from the package."""

from __future__ import annotations

import functools
import mimetypes
from importlib import resources

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from .page import Page
from .routing import Route, anyone


@functools.cache
def _read(name: str) -> bytes | None:
    folder = resources.files("ohp_gateway.idp").joinpath("static")
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    path = folder.joinpath(name)
    return path.read_bytes() if path.is_file() else None


def static_file(page: Page, name: str) -> Response:
    data = _read(name)
    if data is None:
        raise NotFound()
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


ROUTES = [Route("/static/<name>", static_file, anyone, ("GET",))]
