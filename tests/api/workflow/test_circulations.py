"""/api/workflow/instances/{id}/circulate/ and /api/workflow/circulations/: 传阅 and receipts."""

from tests.api.workflow.conftest import staff_id
from tests.api.workflow.test_tasks import start


def test_circulating_and_reading(as_user, cast):
    clerk, director = as_user("clerk"), as_user("director")
    instance = start(clerk)
    response = clerk.post(
        f"/api/workflow/instances/{instance['id']}/circulate/",
        {"recipients": [staff_id(cast.director), staff_id(cast.deputy)], "note": "请阅"},
        format="json",
    )
    assert response.status_code == 201, response.content
    receipts = {c["recipient"]["name"]: c["read_at"] for c in response.json()["circulations"]}
    assert receipts == {"林建国": None, "陈副主任": None}

    (mine,) = director.get("/api/workflow/circulations/", {"unread": "true"}).json()["results"]
    assert mine["title"] == "关于春节值班的通知" and mine["sender"]["name"] == "张科员"
    read = director.post(f"/api/workflow/circulations/{mine['id']}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    assert director.get("/api/workflow/circulations/", {"unread": "true"}).json()["count"] == 0
    # The sender sees who has read it.
    detail = clerk.get(f"/api/workflow/instances/{instance['id']}/").json()
    receipts = {c["recipient"]["name"]: c["read_at"] is not None for c in detail["circulations"]}
    assert receipts == {"林建国": True, "陈副主任": False}
    # Recipients may follow the instance; someone else's receipt is not theirs to sign.
    assert director.get(f"/api/workflow/instances/{instance['id']}/").status_code == 200
    assert as_user("deputy").post(f"/api/workflow/circulations/{mine['id']}/read/").status_code == 404


def test_circulating_needs_recipients(as_user, cast):
    clerk = as_user("clerk")
    instance = start(clerk)
    response = clerk.post(
        f"/api/workflow/instances/{instance['id']}/circulate/", {"recipients": []}, format="json"
    )
    assert response.status_code == 400
