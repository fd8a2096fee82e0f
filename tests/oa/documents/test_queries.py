"""Who sees which document in lists and search, and how lists and search count.

Lists and search read visibility through visible_documents (one UNION of the reader's own rows,
bench/documents.py explains why); a single document through visible_q. Both must agree."""

from __future__ import annotations

import pytest

from oa.core.errors import ActionError
from oa.directory.actions import create_staff
from oa.directory.models import Role
from oa.documents import actions, queries
from oa.documents.models import Document
from tests.oa.documents.conftest import complete

RECEIVED = {
    "title": "关于开展冬季安全生产大检查的通知",
    "source_agency": "厦门市人民政府办公厅",
    "doc_type": "通知",
}


def visible_both_ways(user) -> tuple[set[int], set[int]]:
    listed = set(queries.visible_documents(user).values_list("pk", flat=True))
    one_by_one = set(Document.objects.filter(queries.visible_q(user)).values_list("pk", flat=True))
    return listed, one_by_one


def test_lists_show_exactly_the_documents_visible_q_allows(people, cast):
    # given plain staff (no office-wide permission): a drafter, a member of the lead
    # department, a member of a helper department, a reader the document is circulated to
    drafting = Role.objects.create(code="drafting", name="拟稿人", permissions=["documents.draft"])
    drafter, member, helper, reader = (
        create_staff(username=u, display_name=u, password="Cast@2026pass", department=d, roles=r).user
        for u, d, r in (
            ("drafter", cast.office, [drafting]),
            ("member", cast.secretariat, []),
            ("helper", cast.office, []),
            ("reader", None, []),
        )
    )
    draft = actions.do_create_outgoing(
        acting_user=drafter, fields={"title": "关于报送材料的函", "doc_type": "函"}
    )
    led = actions.do_register_incoming(acting_user=people["clerk"], fields=RECEIVED)
    complete(led, "Task_Check", people)
    complete(led, "Task_Propose", people)
    complete(
        led,
        "Task_Instruct",
        people,
        data={"lead_department": cast.secretariat.pk, "deadline": "2026-12-05", "readers": ["reader"]},
    )
    complete(led, "Task_Handle", people, user=member, opinion="已办理。")
    helped = actions.do_register_incoming(
        acting_user=people["clerk"], fields={**RECEIVED, "title": "关于协办的函"}
    )
    helped.helper_departments.add(cast.office)
    other = actions.do_register_incoming(
        acting_user=people["clerk"], fields={**RECEIVED, "title": "与他们无关"}
    )

    # then each sees the same documents through the list path and through visible_q
    expected = {
        drafter: {draft.pk, helped.pk},  # the drafter sits in the helper department too
        member: {led.pk},  # lead department, and handled its 承办
        helper: {helped.pk},
        reader: {led.pk},  # circulated to (传阅, an open task for the reader)
        people["auditor"]: set(),
    }
    for user, documents in expected.items():
        listed, one_by_one = visible_both_ways(user)
        assert listed == one_by_one == documents, user.username
    # and the office head sees the whole register
    listed, one_by_one = visible_both_ways(people["secretary"])
    assert listed == one_by_one == {draft.pk, led.pk, helped.pk, other.pk}
    # a reader's whole list is counted from the ids read for it; a filtered one is counted
    assert queries.list_with_count(drafter, queries.DocumentFilters())[1] == (2, True)
    filtered, known = queries.list_with_count(drafter, queries.DocumentFilters(direction="outgoing"))
    assert known is None and [d.pk for d in filtered] == [draft.pk]
    # a search answers each with what they may see (a reader's own documents tested one by one)
    for user, found in (
        (member, [led.pk]),
        (people["auditor"], []),
        (people["secretary"], [led.pk]),
    ):
        result = queries.search_with_count(user, "冬季", queries.DocumentFilters())
        assert [d.pk for d in result.documents] == found, user.username


def test_a_long_list_is_counted_exactly_up_to_the_limit_then_estimated(people):
    for n in range(3):
        actions.do_register_incoming(acting_user=people["clerk"], fields={**RECEIVED, "title": f"来文{n}"})
    documents = Document.objects.all()
    assert queries.count_documents(documents) == (3, True)
    count, exact = queries.count_documents(documents, exact_up_to=2)
    # past the limit: the planner's estimate, never fewer than were counted
    assert exact is False and count >= 3


def test_a_common_word_ranks_and_pages_the_newest_matches(people, monkeypatch):
    monkeypatch.setattr(queries, "RANK_WINDOW", 2)
    registered = [
        actions.do_register_incoming(
            acting_user=people["clerk"], fields={**RECEIVED, "title": f"防汛检查通知{n}"}
        )
        for n in range(3)
    ]
    result = queries.search_with_count(people["secretary"], "防汛", queries.DocumentFilters())
    assert (result.count, result.count_exact) == (2, False)
    assert {d.pk for d in result.documents} == {d.pk for d in registered[1:]}
    result = queries.search_with_count(people["secretary"], "防汛检查通知0", queries.DocumentFilters())
    assert (result.count, result.count_exact) == (1, True)


@pytest.mark.parametrize("query", ["", "   ", "，。"])
def test_a_search_needs_a_word(people, query):
    with pytest.raises(ActionError) as refused:
        queries.search_with_count(people["secretary"], query, queries.DocumentFilters())
    assert refused.value.field == "q"


def test_the_newest_matches_are_looked_for_among_the_newest_documents_first(people, monkeypatch):
    monkeypatch.setattr(queries, "RANK_WINDOW", 1)
    monkeypatch.setattr(queries, "RECENT_DOCUMENTS", 2)
    oldest, middle, newest = (
        actions.do_register_incoming(acting_user=people["clerk"], fields={**RECEIVED, "title": title})
        for title in ("关于古树名木保护的通知", "关于防汛检查的通知", "关于防汛演练的通知")
    )
    # a common word: found among the two newest documents, the newest of them shown
    result = queries.search_with_count(people["secretary"], "防汛", queries.DocumentFilters())
    assert [d.pk for d in result.documents] == [newest.pk] and result.count_exact is False
    # a word only an older document has: looked for beyond them
    result = queries.search_with_count(people["secretary"], "古树", queries.DocumentFilters())
    assert [d.pk for d in result.documents] == [oldest.pk] and result.count_exact is True
    assert middle.pk not in {d.pk for d in result.documents}
