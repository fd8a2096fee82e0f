"""/api/workflow/instances/ and /api/workflow/definitions/: starting and following a flow."""

from tests.api.workflow.test_tasks import start, todo


def test_the_definitions_i_may_start(as_user, cast):
    response = as_user("clerk").get("/api/workflow/definitions/")
    assert response.status_code == 200
    assert {(d["key"], d["version"]) for d in response.json()} == {("approval", 1), ("countersign", 1)}


def test_starting_answers_the_instance_with_its_tasks_and_trail(as_user, cast):
    clerk = as_user("clerk")
    instance = start(clerk, business_key="documents.document:7")
    assert instance["state"] == "running" and instance["definition"] == {
        "key": "approval",
        "name": "approval",
        "version": 1,
    }
    assert [t["name"] for t in instance["tasks"]] == ["拟稿"]
    assert instance["tasks"][0]["assignee"]["name"] == "张科员"
    again = clerk.get(f"/api/workflow/instances/{instance['id']}/").json()
    assert again["business_key"] == "documents.document:7"
    assert [e["action"] for e in again["trail"]] == ["start"]


def test_starting_is_refused_for_unknown_flows_and_bad_input(as_user, cast):
    clerk = as_user("clerk")
    response = clerk.post("/api/workflow/instances/", {"definition": "nope", "title": "x"}, format="json")
    assert response.status_code == 404
    response = clerk.post("/api/workflow/instances/", {"definition": "approval", "title": " "}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "title"
    response = clerk.post(
        "/api/workflow/instances/",
        {"definition": "approval", "title": "x", "data": {"decision": "approve"}},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "data"
    assert todo(clerk) == []


def test_a_stranger_cannot_follow_an_instance(as_user, cast):
    instance = start(as_user("clerk"))
    assert as_user("auditor").get(f"/api/workflow/instances/{instance['id']}/").status_code == 404
    # The holder of its current step can.
    assert as_user("clerk").get(f"/api/workflow/instances/{instance['id']}/").status_code == 200
