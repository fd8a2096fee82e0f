"""信息发布 through the hub: a published item of siming sent to the district offices, filed in
each one's 上级来文 column for its whole unit, with the receipt back to the sender."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from exchange import fanout, notices, storage
from exchange.models import Delivery, Envelope
from exchange.package import verify_package
from oa.core.errors import ActionError
from tests.conftest import HULI, SIMING
from tests.exchange.cast import JIMEI, make_clerks, provision_jmqu


@pytest.fixture
def published(db, media):
    from oa.directory.models import Role, Staff
    from oa.notices import actions
    from oa.notices.models import Column
    from tests.oa.notices.cast import make_cast

    provision_jmqu()
    make_clerks()
    with schema_context(SIMING):
        cast = make_cast()
        Staff.objects.get(user=cast.editor).roles.add(Role.objects.get(code="office_head"))
        notice = actions.do_create_notice(
            Column.objects.get(name="通知公告"),
            acting_user=cast.editor,
            fields={
                "title": "关于做好冬季防火工作的通知",
                "body_html": "<p>请各单位落实防火责任。</p>",
                "audience_all": True,
            },
        )
        actions.do_add_notice_files(
            notice, acting_user=cast.editor, files=[("检查表.txt", "消防通道畅通".encode())]
        )
        actions.do_publish_notice(notice, acting_user=cast.editor)
    connection.set_schema_to_public()
    return cast, notice


def send(cast, notice, **kwargs):
    with schema_context(SIMING):
        result = notices.do_send_notice(notice, acting_user=cast.editor, **{"recipients": [], **kwargs})
    connection.set_schema_to_public()
    return result


def deliver_now(envelope):
    fanout.fan_out(
        envelope.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids] and notices.file_delivered(ids)
    )


def test_a_published_item_reaches_every_district_office_column(published):
    cast, notice = published
    result = send(cast, notice, groups=["district_offices"])
    envelope = result.envelope
    assert envelope.kind == Envelope.Kind.NOTICE and envelope.recipients == [HULI, JIMEI]
    meta = verify_package(storage.read_package(envelope.package_sha256), expected_sender=SIMING).metadata
    assert meta.notice.column == "通知公告" and "防火责任" in meta.notice.body_html
    assert [a.name for a in meta.attachments] == ["检查表.txt"]

    deliver_now(envelope)

    for code in (HULI, JIMEI):
        delivery = Delivery.objects.get(envelope=envelope, recipient__code=code)
        assert (delivery.state, delivery.signed_by_name) == (Delivery.State.SIGNED_FOR, notices.FILED_BY)
    from oa.notices.models import Notice
    from oa.notices.queries import NoticeFilters, list_for_reader
    from tests.conftest import user_in

    clerk = user_in(HULI, "hl_staff")
    with schema_context(HULI):
        filed = Notice.objects.get(source__identifier=notice.identifier)
        assert (filed.column.name, filed.source_unit, filed.state) == (
            "上级来文",
            "思明区政府办公室",
            "published",
        )
        assert [n.title for n in list_for_reader(clerk, NoticeFilters())] == ["关于做好冬季防火工作的通知"]
        assert [f.name for f in filed.files.all()] == ["检查表.txt"]
        assert [n.pk for n in list_for_reader(clerk, NoticeFilters(q="消防通道"))] == [filed.pk]
    # Filing twice (a task delivered twice) files once.
    assert notices.file_delivered(list(envelope.deliveries.values_list("pk", flat=True))) == 0


def test_it_is_sent_once_per_unit_and_only_when_published(published):
    cast, notice = published
    send(cast, notice, recipients=[HULI])
    with pytest.raises(ActionError) as caught:
        send(cast, notice, recipients=[HULI])
    assert (caught.value.code, caught.value.field) == ("duplicate", "recipients")
    connection.set_schema_to_public()
    with pytest.raises(ActionError) as caught:
        send(cast, notice)
    assert (caught.value.code, caught.value.field) == ("required", "recipients")
    connection.set_schema_to_public()
    from oa.notices import actions

    with schema_context(SIMING):
        actions.do_retract_notice(notice, acting_user=cast.editor)
    with pytest.raises(ActionError) as caught:
        send(cast, notice, recipients=[JIMEI])
    assert caught.value.code == "invalid_state"


def test_a_reader_or_someone_without_the_permission_cannot_send_it(published):
    cast, notice = published
    for user in (cast.cashier,):
        with schema_context(SIMING), pytest.raises(ActionError) as caught:
            notices.do_send_notice(notice, acting_user=user, recipients=[HULI])
        assert caught.value.status == 403
    from oa.directory.models import Staff

    with schema_context(SIMING):
        Staff.objects.get(user=cast.editor).roles.clear()
        with pytest.raises(ActionError) as caught:
            notices.do_send_notice(notice, acting_user=cast.editor, recipients=[HULI])
        assert (caught.value.code, caught.value.status) == ("permission_denied", 403)
    connection.set_schema_to_public()
