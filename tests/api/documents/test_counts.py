"""Lists, registers and search say whether their count is exact (count_exact): a register of
more than EXACT_COUNT_UP_TO rows is estimated, a search of a very common word shows its newest
RANK_WINDOW matches."""

from __future__ import annotations

from oa.documents import queries

INCOMING = {"title": "关于防汛检查的通知", "source_agency": "厦门市应急管理局", "doc_type": "通知"}


def test_counts_are_exact_until_a_list_or_a_search_is_too_long(client_for, monkeypatch):
    clerk = client_for("clerk")
    for n in range(3):
        response = clerk.post("/api/documents/incoming/", {**INCOMING, "title": f"关于防汛检查的通知{n}"})
        assert response.status_code == 201, response.json()
    register = clerk.get("/api/documents/registers/incoming/").json()
    assert (register["count"], register["count_exact"]) == (3, True)
    found = clerk.get("/api/documents/search/?q=防汛").json()
    assert (found["count"], found["count_exact"]) == (3, True)

    monkeypatch.setattr(queries, "EXACT_COUNT_UP_TO", 2)
    monkeypatch.setattr(queries, "RANK_WINDOW", 2)
    register = clerk.get("/api/documents/registers/incoming/?page_size=2").json()
    assert register["count_exact"] is False and register["count"] >= 3 and len(register["results"]) == 2
    found = clerk.get("/api/documents/search/?q=防汛").json()
    assert (found["count"], found["count_exact"], len(found["results"])) == (2, False, 2)
