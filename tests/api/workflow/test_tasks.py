"""/api/workflow/tasks/: the to-do and done lists, the task page, and the actions on a task."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.workflow.conftest import staff_id


def start(client, definition="approval", title="关于春节值班的通知", **extra):
    response = client.post(
        "/api/workflow/instances/", {"definition": definition, "title": title, **extra}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def todo(client, **params) -> list[dict]:
    response = client.get("/api/workflow/tasks/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def act(client, task_id: int, action: str, expect: int = 200, **body):
    response = client.post(f"/api/workflow/tasks/{task_id}/{action}/", body, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def test_a_document_goes_from_the_drafter_to_the_reviewer(as_user, cast):
    clerk, secretary = as_user("clerk"), as_user("secretary")
    start(clerk, data={"copies": 3})
    (draft,) = todo(clerk)
    assert (
        draft["name"] == "拟稿"
        and draft["title"] == "关于春节值班的通知"
        and draft["starter"]["name"] == "张科员"
    )
    page = clerk.get(f"/api/workflow/tasks/{draft['id']}/").json()
    assert page["allowed"]["outcomes"] == ["submit"] and "complete" in page["allowed"]["actions"]
    assert page["instance_detail"]["data"] == {"copies": 3}
    assert [e["action"] for e in page["trail"]] == ["start"]

    done = act(clerk, draft["id"], "complete", outcome="submit", opinion="请核")
    assert done["state"] == "completed" and done["allowed"]["actions"] == ["withdraw"]
    assert todo(clerk) == []
    assert [t["name"] for t in todo(clerk, state="done")] == ["拟稿"]
    (review,) = todo(secretary)
    assert review["name"] == "核稿" and review["due_at"]


def test_the_todo_list_costs_the_same_for_one_task_or_many(as_user, cast):
    clerk = as_user("clerk")
    start(clerk)

    def run() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert clerk.get("/api/workflow/tasks/").status_code == 200
        # django-tenants re-points the connection before statements; those are not queries.
        return [q["sql"] for q in captured if not q["sql"].startswith("SET search_path")]

    one = run()
    for n in range(4):
        start(clerk, title=f"第 {n} 件")
    assert len(todo(clerk)) == 5
    many = run()
    assert len(many) == len(one)
    # The host, the session, the user and their account, then the list: a count and one page.
    assert [q for q in many if "workflow_" in q and "COUNT(*)" in q] != []
    assert len([q for q in many if "workflow_" in q]) == 2


def test_the_list_filters_by_urgency_module_and_deadline(as_user, cast):
    clerk = as_user("clerk")
    start(clerk, title="特急件", urgency="very_urgent")
    start(clerk, title="普通件")
    assert [t["title"] for t in todo(clerk, urgent="true")] == ["特急件"]
    assert [t["title"] for t in todo(clerk, urgent="false")] == ["普通件"]
    assert len(todo(clerk, module="documents")) == 2 and todo(clerk, module="meetings") == []
    assert todo(clerk, due_before="2000-01-01T00:00:00Z") == []
    assert clerk.get("/api/workflow/tasks/", {"state": "later"}).status_code == 400


def test_a_todo_names_what_it_is_about_so_its_module_page_can_open(as_user, cast):
    clerk = as_user("clerk")
    start(clerk, title="关于冬季安全生产的通知", business_key="documents.document:7")
    (item,) = todo(clerk)
    assert item["business_key"] == "documents.document:7"


def test_a_reviewer_returns_and_the_drafter_withdraws(as_user, cast):
    clerk, secretary = as_user("clerk"), as_user("secretary")
    start(clerk)
    (draft,) = todo(clerk)
    act(clerk, draft["id"], "complete", outcome="submit")
    # The drafter may take it back while the 科长 has not acted...
    reopened = act(clerk, draft["id"], "withdraw", reason="漏了附件")
    assert reopened["state"] == "open" and reopened["name"] == "拟稿"
    assert todo(secretary) == []
    act(clerk, reopened["id"], "complete", outcome="submit")
    (review,) = todo(secretary)
    page = secretary.get(f"/api/workflow/tasks/{review['id']}/").json()
    assert page["allowed"]["return_targets"] == [{"element_id": "draft", "name": "拟稿"}]
    act(secretary, review["id"], "return", expect=400, to_element="draft", opinion="")
    returned = act(secretary, review["id"], "return", to_element="draft", opinion="请补充依据")
    assert returned["state"] == "returned"
    (again,) = todo(clerk)
    # ...but not once the next step was handled.
    act(clerk, again["id"], "complete", outcome="submit")
    (review,) = todo(secretary)
    act(secretary, review["id"], "complete", outcome="approve")
    refused = act(clerk, again["id"], "withdraw", expect=409)
    assert refused["code"] == "invalid_state"


def test_transfer_add_signer_and_remind(as_user, cast):
    clerk, secretary, clerk2 = as_user("clerk"), as_user("secretary"), as_user("clerk2")
    start(clerk)
    (draft,) = todo(clerk)
    act(clerk, draft["id"], "complete", outcome="submit")
    (review,) = todo(secretary)
    # 催办 by the starter; the holder cannot urge themselves.
    act(clerk, review["id"], "remind", note="请尽快")
    assert act(secretary, review["id"], "remind", expect=403)["code"] == "permission_denied"
    act(clerk, review["id"], "remind", expect=429)
    # 加签 then 转办.
    act(secretary, review["id"], "add-signer", staff=staff_id(cast.deputy))
    (added,) = todo(as_user("deputy"))
    assert added["kind"] == "added"
    moved = act(secretary, review["id"], "transfer", to_staff=staff_id(cast.clerk2), opinion="请代核")
    assert moved["state"] == "transferred"
    (mine,) = todo(clerk2)
    assert mine["name"] == "核稿"
    act(clerk2, mine["id"], "transfer", expect=400, to_staff=999999)
    page = clerk.get(f"/api/workflow/tasks/{review['id']}/").json()
    actions = [e["action"] for e in page["trail"]]
    assert actions == ["start", "complete", "remind", "add_signer", "transfer"]


def test_only_handlers_act_and_strangers_see_nothing(as_user, cast):
    clerk, clerk2, auditor = as_user("clerk"), as_user("clerk2"), as_user("auditor")
    start(clerk)
    (draft,) = todo(clerk)
    # A stranger cannot even see it.
    assert auditor.get(f"/api/workflow/tasks/{draft['id']}/").status_code == 404
    assert act(auditor, draft["id"], "complete", expect=404, outcome="submit")["code"] == "not_found"
    assert auditor.get("/api/workflow/tasks/").json()["count"] == 0
    # A party who is not the handler sees it but may not handle it.
    act(clerk, draft["id"], "complete", outcome="submit")
    review = clerk.get("/api/workflow/instances/", format="json")
    assert review.status_code == 405
    (review,) = todo(as_user("secretary"))
    assert clerk.get(f"/api/workflow/tasks/{review['id']}/").json()["allowed"]["actions"] == ["remind"]
    assert act(clerk, review["id"], "complete", expect=403, outcome="approve")["code"] == "permission_denied"
    assert act(clerk2, review["id"], "complete", expect=404, outcome="approve")["code"] == "not_found"


def test_countersign_over_the_api(as_user, cast):
    clerk, director, deputy = as_user("clerk"), as_user("director"), as_user("deputy")
    start(clerk, definition="countersign", title="会签件")
    (mine,) = todo(director)
    (theirs,) = todo(deputy)
    assert mine["kind"] == theirs["kind"] == "signer"
    act(director, mine["id"], "complete", outcome="approve")
    act(deputy, theirs["id"], "complete", expect=400, outcome="reject")
    act(deputy, theirs["id"], "complete", outcome="reject", opinion="再议")
    (revise,) = todo(clerk)
    assert revise["name"] == "修改"
