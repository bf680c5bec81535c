from __future__ import annotations

from ohp_gateway.idp import directory, signin, sites
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.seed import seed_demo


def test_demo_community_has_two_orgs_two_admins_each_and_a_site(ctx: Context) -> None:
    demo = seed_demo(ctx)
    assert len(demo["organizations"]) == 2
    for org in demo["organizations"]:
        assert len(org["administrators"]) == 2
        for person in org["subscribers"]:
            done = signin.authenticate(ctx, person["subscriber_id"], person["password"], "t")
            assert set(done.subscriber.roles) == set(person["roles"])
    assert [s.client_id for s in sites.list_sites(ctx)] == ["demo-site"]
    first = demo["organizations"][0]["subscribers"][0]["subscriber_id"]
    assert directory.claims(ctx, first)["ohp_roles"] == ["Billing", "Claims"]
