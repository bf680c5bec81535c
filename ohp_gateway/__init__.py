"""ohp_gateway: single sign-on for participating sites of a healthcare trusted community."""
