"""One organization's life in a real browser: register, enrol an authenticator, nominate,
activate, sign in at a participating site, lock out, reset, terminate.

The tests share one community and run in order; a step whose predecessor failed is skipped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from ohp_gateway.idp import totp

from .conftest import Camera, Community

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.slow

ORG_NAME = "Riverside Pediatrics"
TAX_ID = "93-4567890"
ADMIN_NAME = "Maria Chen"
ADMIN_EMAIL = "maria.chen@riverside.example"
MEMBER_NAME = "Jordan Blake"
MEMBER_EMAIL = "jordan.blake@riverside.example"
ADMIN_PASSWORD = "granite lantern orchard fifteen"
MEMBER_PASSWORD = "copper meadow whistle harbor"
NEW_PASSWORD = "silver canyon pebble morning"
LOCKOUT = re.compile(r"Sign-in failed: .* may be temporarily locked after 5 failed attempts")


@attrs.define
class Journey:
    """What earlier steps left for later ones."""

    admin: Page | None = None
    admin_id: str = ""
    member_id: str = ""
    member_code: str = ""
    member: Page | None = None
    done: set[str] = attrs.field(factory=set)

    def need(self, step: str) -> None:
        if step not in self.done:
            pytest.skip(f"needs the step '{step}', which did not complete")

    def admin_after(self, step: str) -> Page:
        """The new administrator's browser tab, once ``step`` has completed."""
        self.need(step)
        assert self.admin is not None
        return self.admin


@pytest.fixture(scope="module")
def journey(chromium: Browser) -> Journey:
    """Needs Chromium, so every step is skipped with the same reason when it is missing."""
    return Journey()


@pytest.fixture(scope="module")
def open_page(new_context: Callable[[], BrowserContext]) -> Callable[[], Page]:
    return lambda: new_context().new_page()


def _notice(page: Page) -> str:
    return page.locator(".notice").inner_text()


def _sign_in_at_idp(page: Page, subscriber_id: str, password: str) -> None:
    page.fill("#f-subscriber_id", subscriber_id)
    page.fill("#f-password", password)
    page.get_by_role("button", name="Sign in").click()


def _sign_in_through_site(
    community: Community,
    page: Page,
    password: str,
    camera: Camera,
    shot: str | None,
    subscriber_id: str,
) -> None:
    page.goto(f"{community.site_url}/")
    page.wait_for_url(f"{community.idp_url}/login?*")
    if shot:
        camera.shoot(page, shot)
    _sign_in_at_idp(page, subscriber_id, password)
    page.wait_for_url(f"{community.site_url}/")


def test_sign_in_page_lists_participating_sites_with_their_help_desks(
    community: Community, open_page: Callable[[], Page], camera: Camera
) -> None:
    page = open_page()
    page.goto(f"{community.idp_url}/")
    camera.shoot(page, "home")
    page.goto(f"{community.idp_url}/login")
    page.select_option("#f-site", label="Demo Health Plan portal")
    page.get_by_role("button", name="Show help desk").click()
    page.wait_for_url("**/login?site=*")
    assert "1-800-555-0100" in page.locator("dl.site").inner_text()
    camera.shoot(page, "login-site-help-desk")
    page.goto(f"{community.idp_url}/sites")
    assert "helpdesk@plan.example" in page.content()
    camera.shoot(page, "sites")


def _fill_registration(page: Page, tax_ids: str, email: str) -> None:
    page.fill("#f-name", ORG_NAME)
    page.fill("#f-address", "40 River Rd, Olympia, WA 98501")
    page.fill("#f-tax_ids", tax_ids)
    page.check("#f-signing_authority")
    page.check("#f-accept_agreement")
    page.fill("#f-admin_name", ADMIN_NAME)
    page.fill("#f-admin_email", email)
    page.fill("#f-admin_phone", "360-555-0142")
    page.check("#f-staff_attested")
    page.fill("#f-ssn_last4", "4321")


def test_registering_an_organization_shows_the_administrators_id_and_one_time_code(
    community: Community, open_page: Callable[[], Page], camera: Camera, journey: Journey
) -> None:
    page = open_page()
    page.goto(f"{community.idp_url}/register")
    _fill_registration(page, TAX_ID, ADMIN_EMAIL)
    camera.shoot(page, "register")
    page.get_by_role("button", name="Register organization").click()
    page.wait_for_selector("#activation-code")
    camera.shoot(page, "registered")
    journey.admin_id = page.inner_text("#subscriber-id").strip()
    code = page.inner_text("#activation-code").strip()
    assert re.fullmatch(r"ohp\d{8}", journey.admin_id)

    page.click(f"a[href='/activate?subscriber_id={journey.admin_id}']")
    assert page.input_value("#f-subscriber_id") == journey.admin_id
    page.fill("#f-code", code)
    page.fill("#f-password", ADMIN_PASSWORD)
    page.fill("#f-password_confirm", ADMIN_PASSWORD)
    page.check("#f-accept_agreement")
    page.get_by_role("button", name="Activate my account").click()
    assert f"Subscriber ID {journey.admin_id} is active" in _notice(page)
    camera.shoot(page, "activated")
    journey.admin = page
    journey.done.add("registered")


def test_a_tax_id_already_registered_names_that_organizations_administrators(
    community: Community, open_page: Callable[[], Page], camera: Camera
) -> None:
    page = open_page()
    page.goto(f"{community.idp_url}/register")
    _fill_registration(page, "91-1234567", "maria.chen@elsewhere.example")
    page.get_by_role("button", name="Register organization").click()
    page.wait_for_selector("text=Duplicate Found")
    text = page.inner_text("main")
    assert "Evergreen Family Clinic" in text and "dana.reyes@evergreen.example" in text
    camera.shoot(page, "duplicate-tax-id")


def test_first_sign_in_of_an_administrator_enrols_an_authenticator_app(
    community: Community, camera: Camera, journey: Journey
) -> None:
    page = journey.admin_after("registered")
    page.goto(f"{community.idp_url}/login")
    _sign_in_at_idp(page, journey.admin_id, ADMIN_PASSWORD)
    page.wait_for_url("**/admin/totp")
    camera.shoot(page, "totp-start")
    page.get_by_role("button", name="Set up my authenticator app").click()
    secret = page.inner_text("#totp-secret").strip()
    assert page.inner_text("#totp-uri").startswith("otpauth://totp/")
    camera.shoot(page, "totp-enrol")
    page.fill("#f-code", totp.now_code(secret, time.time()))
    page.get_by_role("button", name="Confirm authenticator").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) >= 5
    camera.shoot(page, "totp-recovery-codes")
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/admin")
    banner = page.locator(".banner.warning").inner_text()
    assert "Fewer than two Administrators" in banner
    camera.shoot(page, "admin-menu")
    journey.done.add("administrator")


def test_administrator_nominates_a_subscriber_and_sees_the_activation_code_once(
    community: Community, camera: Camera, journey: Journey
) -> None:
    page = journey.admin_after("administrator")
    page.goto(f"{community.idp_url}/admin/nominate")
    page.fill("#f-name", MEMBER_NAME)
    page.fill("#f-email", MEMBER_EMAIL)
    page.fill("#f-work_phone", "360-555-0143")
    page.get_by_label("Billing", exact=True).check()
    page.get_by_label("Claims", exact=True).check()
    page.locator("#f-tax_ids input[type=checkbox]").first.check()
    camera.shoot(page, "nominate", top=False)
    page.get_by_role("button", name="Nominate subscriber").click()
    page.wait_for_selector("#activation-code")
    camera.shoot(page, "nominated")
    journey.member_id = page.inner_text("#subscriber-id").strip()
    journey.member_code = page.inner_text("#activation-code").strip()
    assert journey.member_id != journey.admin_id
    assert journey.member_id in community.newest_mail(MEMBER_EMAIL)
    assert journey.member_code not in community.newest_mail(MEMBER_EMAIL)
    page.goto(f"{community.idp_url}/admin/nominate")
    assert journey.member_code not in page.content()
    journey.done.add("nominated")


def test_subscriber_activates_and_signs_in_at_the_participating_site(
    community: Community, open_page: Callable[[], Page], camera: Camera, journey: Journey
) -> None:
    journey.need("nominated")
    page = open_page()
    page.goto(f"{community.idp_url}/activate")
    page.fill("#f-subscriber_id", journey.member_id)
    page.fill("#f-code", journey.member_code)
    page.fill("#f-password", MEMBER_PASSWORD)
    page.fill("#f-password_confirm", MEMBER_PASSWORD)
    page.check("#f-accept_agreement")
    camera.shoot(page, "activate")
    page.get_by_role("button", name="Activate my account").click()
    assert f"Subscriber ID {journey.member_id} is active" in _notice(page)

    _sign_in_through_site(community, page, MEMBER_PASSWORD, camera, "login", journey.member_id)
    greeting = page.inner_text("#greeting")
    assert MEMBER_NAME in greeting and journey.member_id in greeting
    assert ORG_NAME in greeting
    assert "Billing" in greeting and "Claims" in greeting
    assert "4567890" in greeting.replace("-", "")  # the affiliated Tax ID
    camera.shoot(page, "site-signed-in")
    journey.member = page
    journey.done.add("signed-in")


def test_five_wrong_passwords_lock_the_id_with_the_same_message_as_an_unknown_id(
    community: Community, open_page: Callable[[], Page], camera: Camera, journey: Journey
) -> None:
    journey.need("signed-in")
    page = open_page()
    page.goto(f"{community.idp_url}/login")
    for attempt in range(5):
        _sign_in_at_idp(page, journey.member_id, f"wrong password number {attempt}")
        assert LOCKOUT.search(page.inner_text("#form-error"))
    _sign_in_at_idp(page, journey.member_id, MEMBER_PASSWORD)
    locked = page.inner_text("#form-error")
    assert LOCKOUT.search(locked), "the right password is refused while locked"
    camera.shoot(page, "login-locked")
    _sign_in_at_idp(page, "ohp99999999", MEMBER_PASSWORD)
    assert page.inner_text("#form-error") == locked
    journey.done.add("locked")


def test_a_locked_out_subscriber_resets_the_password_from_the_emailed_link(
    community: Community, open_page: Callable[[], Page], camera: Camera, journey: Journey
) -> None:
    journey.need("locked")
    page = open_page()
    page.goto(f"{community.idp_url}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.fill("#f-subscriber_id_or_email", MEMBER_EMAIL)
    camera.shoot(page, "forgot")
    page.get_by_role("button", name="Send reset e-mail").click()
    assert "we have sent a password reset e-mail" in _notice(page)
    camera.shoot(page, "forgot-sent")

    mail = community.newest_mail(MEMBER_EMAIL)
    link = re.search(rf"{re.escape(community.idp_url)}/reset\?token=\S+", mail)
    assert link is not None, mail
    page.goto(link[0])
    assert page.input_value("#f-token")
    page.fill("#f-new_password", NEW_PASSWORD)
    page.fill("#f-new_password_confirm", NEW_PASSWORD)
    camera.shoot(page, "reset")
    page.get_by_role("button", name="Set new password").click()
    assert f"The password of {journey.member_id} is changed" in _notice(page)
    camera.shoot(page, "reset-done")

    _sign_in_through_site(community, page, NEW_PASSWORD, camera, None, journey.member_id)
    assert MEMBER_NAME in page.inner_text("#greeting")
    page.goto(f"{community.idp_url}/profile")
    assert journey.member_id in page.inner_text("main")
    camera.shoot(page, "profile")
    page.goto(f"{community.site_url}/")
    journey.member = page
    journey.done.add("reset")


def test_administrator_looks_up_subscriber_ids(
    community: Community, camera: Camera, journey: Journey
) -> None:
    page = journey.admin_after("nominated")
    page.goto(f"{community.idp_url}/admin/lookup")
    page.fill("#f-query", "jordan")
    page.get_by_role("button", name="Look up").click()
    assert journey.member_id in page.inner_text("main")
    camera.shoot(page, "lookup")


def test_terminating_a_subscriber_ends_the_session_at_the_participating_site(
    community: Community, camera: Camera, journey: Journey
) -> None:
    journey.need("reset")
    admin, member = journey.admin, journey.member
    assert admin is not None and member is not None
    member.reload()
    assert MEMBER_NAME in member.inner_text("#greeting")

    admin.goto(f"{community.idp_url}/admin/terminate")
    admin.fill("#f-subscriber_id", journey.member_id)
    admin.fill("#f-reason", "left the organization")
    admin.check("#f-confirm")
    camera.shoot(admin, "terminate")
    admin.get_by_role("button", name="Terminate access").click()
    assert f"{journey.member_id} is terminated and signed out everywhere" in _notice(admin)
    camera.shoot(admin, "terminated")

    assert _site_forgets(community, member), "the site kept the terminated subscriber's session"
    assert member.url.startswith(f"{community.idp_url}/login")
    camera.shoot(member, "site-after-termination")


def _site_forgets(community: Community, member: Page, seconds: float = 10.0) -> bool:
    """Reload the site until it no longer greets the subscriber (the back-channel logout is
    delivered in the background; deliver queued events ourselves if it is slow)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        member.goto(f"{community.site_url}/")
        if not member.url.startswith(community.site_url):
            return True
        provider = community.idp.web.provider
        if provider is not None:
            provider.process_logout_events()
        time.sleep(0.2)
    return False


def test_support_desk_operator_reaches_the_console_with_a_second_factor(
    community: Community, open_page: Callable[[], Page], camera: Camera
) -> None:
    operator: dict[str, Any] = community.support_operator
    page = open_page()
    page.goto(f"{community.idp_url}/support")
    page.wait_for_url("**/login?*")
    _sign_in_at_idp(page, operator["subscriber_id"], operator["password"])
    page.wait_for_url("**/login/totp?*")
    camera.shoot(page, "second-factor")
    page.fill("#f-code", totp.now_code(operator["totp_secret"], time.time()))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/support")
    assert "Support" in page.inner_text("h1")
    camera.shoot(page, "support-desk")
