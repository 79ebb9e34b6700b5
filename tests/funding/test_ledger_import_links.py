"""The ledger page offers the imports its reader may use, and only those."""

import pytest


@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("finance", ["receipts", "disbursements"]),
        ("district", ["funding_plans"]),
        ("leader", []),
    ],
)
def test_the_ledger_offers_the_imports_its_reader_may_use(world, client_for, persona, offered):
    page = client_for(persona).get("/funding/ledger/").content.decode()
    kinds = ["funding_plans", "receipts", "disbursements"]
    assert [kind for kind in kinds if f"/imports/{kind}/new/" in page] == offered
