"""Small participating sites, one per framework, each behind ohp_gateway in one line."""
