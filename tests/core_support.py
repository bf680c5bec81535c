"""Values shared by the core tests (imported by name: conftest modules are not importable)."""

from __future__ import annotations

from ohp_gateway.identity import Subscriber

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def build_subscriber(**overrides: object) -> Subscriber:
    values: dict[str, object] = {
        "subscriber_id": "S1000001",
        "name": "Jane Doe",
        "email": "jane.doe@valleyclinic.example",
        "organization_id": "ORG-1",
        "organization_name": "Valley Clinic",
        "tax_ids": ("91-1234567", "91-7654321"),
        "roles": ("Billing", "Eligibility"),
        "session_id": "sid-1",
        "auth_time": START,
    }
    values.update(overrides)
    return Subscriber(**values)  # type: ignore[arg-type]
