"""No client input makes a 500: random forms posted to every route, signed in or not."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ohp_gateway.idp.web.app import ROUTES

from .conftest import Browser

PATHS = sorted({r.path.replace("<name>", "style.css") for r in ROUTES})
FIELDS = sorted(
    {
        "subscriber_id",
        "password",
        "next",
        "code",
        "name",
        "email",
        "roles",
        "tax_ids",
        "change",
        "ticket_id",
        "tax_id",
        "reason",
        "reference",
        "query",
        "ssn_last4",
        "work_phone",
        "work_email",
        "token",
        "new_password",
        "new_password_confirm",
        "password_confirm",
        "accept_agreement",
        "admin_email",
        "address",
        "confirm",
        "organization_name",
        "organization_address",
        "current_password",
        "note",
    }
)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
FORMS = st.dictionaries(
    st.sampled_from(FIELDS) | TEXT, TEXT | st.lists(TEXT, max_size=3), max_size=8
)
SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("path", PATHS)
@SETTINGS
@given(form=FORMS, query=TEXT)
def test_random_forms_never_fail_the_server(
    support_browser: Browser, path: str, form: dict[str, object], query: str
) -> None:
    token = support_browser.csrf("/login")
    data = {**form, "csrf_token": token}
    response = support_browser.client.post(path, data=data, query_string={"next": query})
    assert response.status_code < 500, response.text


@pytest.mark.parametrize("path", PATHS)
@SETTINGS
@given(form=FORMS)
def test_random_forms_without_a_session_never_fail(
    browser: Browser, path: str, form: dict[str, object]
) -> None:
    response = browser.client.post(path, data=form)
    assert response.status_code < 500, response.text


@SETTINGS
@given(path=st.text(st.characters(exclude_categories=("Cs",)), max_size=40), query=TEXT)
def test_random_urls_never_fail(browser: Browser, path: str, query: str) -> None:
    response = browser.client.get(
        "/" + quote(path.lstrip("/"), safe="/%"), query_string={"next": query, "site": query}
    )
    assert response.status_code < 500, response.text
