"""传阅: circulating an item and the read receipts."""

import pytest

from oa.core.errors import ActionError
from oa.workflow import actions, queries
from tests.oa.workflow.cast import deploy
from tests.oa.workflow.test_actions import at, the_task


@pytest.fixture
def instance(cast):
    return actions.do_start_process(
        deploy("approval.bpmn"), acting_user=cast.clerk, title="会议纪要", now=at(0)
    )


def test_circulating_gives_each_recipient_an_unread_record(cast, instance):
    records = actions.do_circulate(
        instance, acting_user=cast.clerk, recipients=[cast.director, cast.deputy], note="请阅", now=at(1)
    )
    assert {r.recipient for r in records} == {cast.director, cast.deputy}
    assert [r.instance for r in queries.circulations_for(cast.director, unread=True)] == [instance]
    assert instance.events.get(action="circulate").detail["recipients"] == ["director", "deputy"]
    # The recipients may now follow the instance.
    assert queries.get_instance_for_user(cast.deputy, instance.pk) == instance


def test_reading_records_the_receipt_once(cast, instance):
    (record,) = actions.do_circulate(instance, acting_user=cast.clerk, recipients=[cast.director], now=at(1))
    actions.do_read_circulation(record, acting_user=cast.director, now=at(5))
    actions.do_read_circulation(record, acting_user=cast.director, now=at(9))
    record.refresh_from_db()
    assert record.read_at == at(5)
    assert list(queries.circulations_for(cast.director, unread=True)) == []
    assert instance.events.filter(action="read").count() == 1


def test_only_the_recipient_reads_and_nobody_is_circulated_twice(cast, instance):
    (record,) = actions.do_circulate(instance, acting_user=cast.clerk, recipients=[cast.director], now=at(1))
    with pytest.raises(ActionError) as refused:
        actions.do_read_circulation(record, acting_user=cast.deputy)
    assert refused.value.status == 403
    again = actions.do_circulate(
        instance, acting_user=cast.clerk, recipients=[cast.director, cast.deputy], now=at(2)
    )
    assert [r.recipient for r in again] == [cast.deputy]


def test_a_stranger_cannot_circulate(cast, instance):
    with pytest.raises(ActionError) as refused:
        actions.do_circulate(instance, acting_user=cast.auditor, recipients=[cast.director])
    assert refused.value.status == 403


def test_the_holder_of_a_step_may_circulate(cast, instance):
    actions.do_complete_task(
        the_task(cast.clerk, "draft"), acting_user=cast.clerk, outcome="submit", now=at(1)
    )
    records = actions.do_circulate(instance, acting_user=cast.secretary, recipients=[cast.clerk2], now=at(2))
    assert [r.sender for r in records] == [cast.secretary]
