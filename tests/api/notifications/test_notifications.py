"""/api/notifications/...: my list with filters, unread count, reading marks, preferences."""

from __future__ import annotations

from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from oa.notifications.api import notify
from tests.conftest import SIMING, user_in


def _notify(username: str, kind: str, title: str, *, count: int = 1) -> None:
    user = user_in(SIMING, username)
    with schema_context(SIMING), transaction.atomic():
        for i in range(count):
            notify([user], kind, f"{title}{i or ''}")


def test_the_list_filters_by_kind_and_read_state(siming_director):
    _notify("director", "todo.urged", "催办")
    _notify("director", "todo.created", "新待办", count=3)
    everything = siming_director.get("/api/notifications/").json()
    assert everything["count"] == 4
    assert everything["results"][0]["kind_label"] in {"新待办", "催办"}
    urged = siming_director.get("/api/notifications/", {"kind": "todo.urged"}).json()["results"]
    assert [n["title"] for n in urged] == ["催办"] and urged[0]["read"] is False
    assert siming_director.post(f"/api/notifications/{urged[0]['id']}/read/").json()["read"] is True
    assert siming_director.get("/api/notifications/", {"unread": "true"}).json()["count"] == 3
    read = siming_director.get("/api/notifications/", {"unread": "false"}).json()["results"]
    assert [n["id"] for n in read] == [urged[0]["id"]]


def test_an_unknown_kind_filter_names_the_field(siming_director):
    response = siming_director.get("/api/notifications/", {"kind": "bogus"})
    assert response.status_code == 400
    assert response.json()["field"] == "kind"


def test_the_list_costs_the_same_for_many_rows(siming_director):
    from django.db import connection

    _notify("director", "todo.created", "新待办", count=2)
    with CaptureQueriesContext(connection) as few:
        siming_director.get("/api/notifications/")
    _notify("director", "todo.created", "新待办", count=20)
    with CaptureQueriesContext(connection) as many:
        siming_director.get("/api/notifications/")
    assert len(many) == len(few)


def test_unread_count_and_mark_all_read(siming_director):
    _notify("director", "todo.created", "新待办", count=2)
    _notify("director", "deadline.overdue", "已超期")
    assert siming_director.get("/api/notifications/unread-count/").json() == {"unread": 3}
    response = siming_director.post("/api/notifications/read-all/", {"kind": "todo.created"}, format="json")
    assert response.json() == {"marked": 2, "unread": 1}
    assert siming_director.post("/api/notifications/read-all/", {}, format="json").json() == {
        "marked": 1,
        "unread": 0,
    }


def test_mark_all_read_refuses_an_unknown_kind_by_name(siming_director):
    response = siming_director.post("/api/notifications/read-all/", {"kind": "bogus"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "kind"


def test_someone_elses_notification_is_not_found_for_a_colleague(siming_director, siming_auditor):
    _notify("auditor", "todo.urged", "催办")
    (theirs,) = siming_auditor.get("/api/notifications/").json()["results"]
    assert siming_director.get("/api/notifications/").json()["count"] == 0
    response = siming_director.post(f"/api/notifications/{theirs['id']}/read/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert siming_auditor.get("/api/notifications/unread-count/").json() == {"unread": 1}


def test_another_units_user_sees_none_of_ours(huli_outsider, siming_admin):
    # Both units have an "admin" with (likely) the same id: schemas keep them apart.
    _notify("admin", "todo.urged", "思明的催办")
    assert huli_outsider.get("/api/notifications/").json()["count"] == 0
    assert huli_outsider.get("/api/notifications/unread-count/").json() == {"unread": 0}
    assert siming_admin.get("/api/notifications/unread-count/").json() == {"unread": 1}
    (ours,) = siming_admin.get("/api/notifications/").json()["results"]
    assert huli_outsider.post(f"/api/notifications/{ours['id']}/read/").status_code == 404


def test_preferences_turn_a_kind_off_and_on(siming_director):
    prefs = siming_director.get("/api/notifications/preferences/").json()
    urged = next(p for p in prefs if p["kind"] == "todo.urged")
    assert urged == {
        "kind": "todo.urged",
        "label": "催办",
        "label_en": "Reminder (urged)",
        "module": "todo",
        "enabled": True,
    }
    response = siming_director.put(
        "/api/notifications/preferences/",
        {"preferences": [{"kind": "todo.urged", "enabled": False}]},
        format="json",
    )
    assert response.status_code == 200
    assert next(p for p in response.json() if p["kind"] == "todo.urged")["enabled"] is False
    _notify("director", "todo.urged", "催办")
    assert siming_director.get("/api/notifications/unread-count/").json() == {"unread": 0}
    siming_director.put(
        "/api/notifications/preferences/",
        {"preferences": [{"kind": "todo.urged", "enabled": True}]},
        format="json",
    )
    _notify("director", "todo.urged", "催办")
    assert siming_director.get("/api/notifications/unread-count/").json() == {"unread": 1}


def test_preferences_refuse_an_unknown_kind_by_name(siming_director):
    response = siming_director.put(
        "/api/notifications/preferences/",
        {"preferences": [{"kind": "bogus.kind", "enabled": False}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "preferences.bogus.kind"


def test_preferences_are_per_person(siming_director, siming_auditor):
    siming_director.put(
        "/api/notifications/preferences/",
        {"preferences": [{"kind": "todo.urged", "enabled": False}]},
        format="json",
    )
    auditor = siming_auditor.get("/api/notifications/preferences/").json()
    assert next(p for p in auditor if p["kind"] == "todo.urged")["enabled"] is True
