"""One pattern for the console pages: show a form; on POST check required fields, call one
service function, and show its outcome (notices, or a page of its own) or the field errors."""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ..errors import IdpError
from .forms import Errors, Form, from_error, required
from .page import Page

#: What a service call produced: lines to show above a fresh form, or a whole page.
Outcome = list[str] | Response
Perform = Callable[[MultiDict[str, str]], Outcome]


def run(page: Page, form: Form, title: str, perform: Perform, intro: str = "") -> Response:
    if page.request.method == "GET":
        return show(page, form, title, prefill(page, form), intro=intro)
    values = page.form
    errors, status = required(form, values), 400
    if not errors:
        try:
            outcome = perform(values)
        except IdpError as error:
            errors, status = from_error(form, error), error.http_status
        else:
            if isinstance(outcome, Response):
                return outcome
            return show(page, form, title, MultiDict(), notices=outcome, intro=intro)
    return show(page, form, title, values, errors, intro=intro, status=status)


def show(
    page: Page,
    form: Form,
    title: str,
    values: MultiDict[str, str],
    errors: Errors | None = None,
    notices: list[str] | None = None,
    intro: str = "",
    status: int = 400,
) -> Response:
    return page.render(
        "form.html",
        status if errors else 200,
        title=title,
        form=form,
        values=values,
        errors=errors or Errors(),
        notices=notices or [],
        intro=intro,
    )


def prefill(page: Page, form: Form) -> MultiDict[str, str]:
    """Text fields may be filled from the query string (links from a lookup result)."""
    args = page.request.args
    return MultiDict(
        [(f.name, args[f.name][:200]) for f in form.fields if f.name in args and f.kind == "text"]
    )
