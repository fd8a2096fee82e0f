"""信息发布: columns, publishing, audiences, receipts, reminders, retract, expiry, search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from oa.core.errors import ActionError
from oa.core.models import AuditEvent
from oa.notices import actions, queries
from oa.notices.models import Column, Notice, NoticeRecipient
from oa.notices.queries import NoticeFilters


def publish(cast, **fields):
    fields = {"title": "关于年终财务结算的通知", "body_html": "<p>请各科室于月底前完成报销。</p>", **fields}
    notice = actions.do_create_notice(cast.column, acting_user=cast.editor, fields=fields)
    return actions.do_publish_notice(notice, acting_user=cast.editor)


def readable(user) -> list[str]:
    return [n.title for n in queries.list_for_reader(user, NoticeFilters())]


def refusal(call) -> ActionError:
    with pytest.raises(ActionError) as caught:
        call()
    return caught.value


def test_a_notice_to_a_department_reaches_its_members_and_no_one_else(cast):
    notice = publish(cast, audience_departments=[cast.finance.pk])

    assert notice.state == Notice.State.PUBLISHED
    assert set(notice.recipients.values_list("user_id", flat=True)) == {cast.cashier.pk, cast.accountant.pk}
    assert readable(cast.cashier) == [notice.title]
    assert readable(cast.officer) == []
    error = refusal(lambda: queries.get_notice_for_reader(cast.officer, notice.pk))
    assert (error.code, error.status) == ("not_found", 404)


def test_sub_departments_roles_and_people_are_in_the_audience(cast):
    from oa.directory.models import Department, Role, Staff

    desk = Department.objects.create(name="核算组", parent=cast.finance)
    Staff.objects.filter(user=cast.director).update(department=desk)
    role = Role.objects.create(code="hr_role", name="人事专员")
    Staff.objects.get(user=cast.officer).roles.add(role)

    notice = publish(
        cast, audience_departments=[cast.finance.pk], audience_roles=[role.pk], audience_users=[cast.admin.pk]
    )

    assert set(notice.recipients.values_list("user__username", flat=True)) == {
        "cashier", "accountant", "director", "officer", "admin",
    }  # fmt: skip


def test_a_whole_unit_notice_is_read_by_someone_who_joined_after_it(cast):
    from oa.directory.actions import create_staff

    notice = publish(cast, audience_all=True)
    newcomer = create_staff(username="newcomer", display_name="新同事", password="Cast@2026pass").user

    assert notice.title in readable(newcomer)
    actions.do_mark_read(notice, acting_user=newcomer)
    assert queries.receipt_counts(notice)["read"] == 1


def test_another_units_people_never_see_it(cast):
    from django_tenants.utils import schema_context

    from tests.conftest import HULI, user_in

    notice = publish(cast, audience_all=True)
    outsider = user_in(HULI, "outsider")
    with schema_context(HULI):
        assert not Notice.objects.filter(identifier=notice.identifier).exists()
        assert readable(outsider) == []
    assert connection.schema_name == "siming"


def test_reading_records_a_receipt_and_the_publisher_sees_who_has_not(cast):
    notice = publish(cast, audience_departments=[cast.finance.pk])

    actions.do_mark_read(notice, acting_user=cast.cashier)
    actions.do_mark_read(notice, acting_user=cast.cashier)  # twice: still one read

    assert queries.receipt_counts(notice) == {"total": 2, "read": 1, "unread": 1}
    rows = {r.user.username: r.read_at is not None for r in queries.receipts(notice)}
    assert rows == {"cashier": True, "accountant": False}
    assert AuditEvent.objects.filter(action="notices.read", target_id=str(notice.pk)).count() == 1


def test_reminding_reaches_only_those_who_have_not_read_and_not_twice_at_once(cast):
    notice = publish(cast, audience_departments=[cast.finance.pk])
    actions.do_mark_read(notice, acting_user=cast.cashier)

    assert actions.do_remind_unread(notice, acting_user=cast.editor) == 1
    reminded = NoticeRecipient.objects.get(notice=notice, user=cast.accountant)
    assert reminded.remind_count == 1 and reminded.reminded_at is not None
    error = refusal(lambda: actions.do_remind_unread(notice, acting_user=cast.editor))
    assert (error.code, error.status) == ("throttled", 429)


def test_only_the_columns_publishers_may_remind_and_see_receipts(cast):
    notice = publish(cast, audience_departments=[cast.finance.pk])

    error = refusal(lambda: actions.do_remind_unread(notice, acting_user=cast.cashier))
    assert (error.code, error.status) == ("permission_denied", 403)
    error = refusal(lambda: queries.get_managed_notice(cast.cashier, notice.pk))
    assert error.status == 403
    error = refusal(lambda: queries.get_managed_notice(cast.officer, notice.pk))
    assert error.status == 404


def test_a_retracted_notice_leaves_the_lists_and_its_readers_are_told(cast):
    notice = publish(cast, audience_departments=[cast.finance.pk])

    actions.do_retract_notice(notice, acting_user=cast.editor, reason="内容有误")

    assert readable(cast.cashier) == []
    error = refusal(lambda: queries.get_notice_for_reader(cast.cashier, notice.pk))
    assert (error.code, error.status) == ("retracted", 410)
    error = refusal(lambda: queries.get_notice_for_reader(cast.officer, notice.pk))
    assert error.status == 404  # never for them: not even its existence
    error = refusal(lambda: actions.do_mark_read(notice, acting_user=cast.cashier))
    assert error.code == "retracted"


def test_an_expired_notice_leaves_the_lists(cast):
    notice = publish(
        cast,
        audience_departments=[cast.finance.pk],
        expires_at=(timezone.now() + timedelta(hours=1)).isoformat(),
    )

    later = timezone.now() + timedelta(hours=2)
    assert [n.pk for n in queries.list_for_reader(cast.cashier, NoticeFilters(), now=later)] == []
    error = refusal(lambda: queries.get_notice_for_reader(cast.cashier, notice.pk, now=later))
    assert (error.code, error.status) == ("expired", 410)
    error = refusal(lambda: actions.do_remind_unread(notice, acting_user=cast.editor, now=later))
    assert error.code == "expired"


def test_refusals_name_the_field(cast):
    def create(**fields):
        return refusal(lambda: actions.do_create_notice(cast.column, acting_user=cast.editor, fields=fields))

    assert create(body_html="<p>x</p>").field == "title"
    assert create(title="x" * 201).field == "title"
    assert create(title="t", expires_at="2020-01-01T00:00").field == "expires_at"
    assert create(title="t", expires_at="明天").field == "expires_at"
    assert create(title="t", audience_departments=[999999]).field == "audience_departments"
    assert create(title="t", audience_users=["x"]).field == "audience_users"
    draft = actions.do_create_notice(cast.column, acting_user=cast.editor, fields={"title": "无范围"})
    error = refusal(lambda: actions.do_publish_notice(draft, acting_user=cast.editor))
    assert error.field == "body_html"
    actions.do_update_notice(draft, acting_user=cast.editor, changes={"body_html": "<p>正文</p>"})
    error = refusal(lambda: actions.do_publish_notice(draft, acting_user=cast.editor))
    assert (error.code, error.field) == ("required", "audience")


def test_someone_who_is_not_a_publisher_cannot_write_in_the_column(cast):
    error = refusal(
        lambda: actions.do_create_notice(cast.column, acting_user=cast.cashier, fields={"title": "冒名"})
    )
    assert (error.code, error.status) == ("permission_denied", 403)


def test_a_published_notice_cannot_be_edited(cast):
    notice = publish(cast, audience_all=True)
    error = refusal(
        lambda: actions.do_update_notice(notice, acting_user=cast.editor, changes={"title": "改"})
    )
    assert (error.code, error.status) == ("invalid_state", 409)


def test_the_body_is_sanitised_as_a_documents_is(cast):
    notice = publish(
        cast,
        audience_all=True,
        body_html='<p onclick="x()">正文<script>alert(1)</script></p><img src=x onerror=y>',
    )
    assert notice.body_html == "<p>正文</p>"


def test_attachments_pass_the_intake_checks(cast):
    draft = actions.do_create_notice(cast.column, acting_user=cast.editor, fields={"title": "带附件"})
    error = refusal(
        lambda: actions.do_add_notice_files(
            draft, acting_user=cast.editor, files=[("表.docx", b"MZ\x90\x00 not a docx")]
        )
    )
    assert error.field == "files" or error.code.startswith("file") or error.status == 400
    (kept,) = actions.do_add_notice_files(
        draft, acting_user=cast.editor, files=[("说明.txt", "报销说明：发票须在月底前提交。".encode())]
    )
    assert kept.kind and kept.sha256


def test_search_finds_words_in_title_body_and_attachments_for_the_audience_only(cast):
    draft = actions.do_create_notice(
        cast.column, acting_user=cast.editor,
        fields={"title": "关于开展安全生产大检查的通知", "body_html": "<p>各科室自查消防设施。</p>", "audience_departments": [cast.finance.pk]},
    )  # fmt: skip
    actions.do_add_notice_files(
        draft, acting_user=cast.editor, files=[("检查表.txt", "灭火器压力是否正常".encode())]
    )
    actions.do_publish_notice(draft, acting_user=cast.editor)

    def search(user, q):
        return [n.pk for n in queries.list_for_reader(user, NoticeFilters(q=q))]

    assert search(cast.cashier, "安全生产") == [draft.pk]
    assert search(cast.cashier, "消防") == [draft.pk]
    assert search(cast.cashier, "灭火器") == [draft.pk]
    assert search(cast.cashier, "预算") == []
    assert search(cast.officer, "安全生产") == []
    assert refusal(lambda: search(cast.cashier, "  ")).field == "q"


def test_the_unit_admin_keeps_the_columns_and_a_colleague_cannot(cast):
    column = actions.do_create_column(
        acting_user=cast.admin, fields={"name": "党建园地", "publishers": [cast.officer.pk]}
    )
    assert list(column.publishers.all()) == [cast.officer]
    assert (
        refusal(lambda: actions.do_create_column(acting_user=cast.admin, fields={"name": "党建园地"})).field
        == "name"
    )
    assert (
        refusal(lambda: actions.do_create_column(acting_user=cast.editor, fields={"name": "x"})).status == 403
    )
    assert (
        refusal(
            lambda: actions.do_update_column(
                column, acting_user=cast.admin, fields={"approval_flow": "leave"}
            )
        ).field
        == "approval_flow"
    )
    assert (
        refusal(
            lambda: actions.do_update_column(
                cast.column, acting_user=cast.admin, fields={"receives_from_units": True}
            )
        ).field
        == "receives_from_units"
    )
    publish(cast, audience_all=True)
    assert refusal(lambda: actions.do_delete_column(cast.column, acting_user=cast.admin)).code == "in_use"
    actions.do_delete_column(column, acting_user=cast.admin)
    assert not Column.objects.filter(name="党建园地").exists()


def test_a_column_with_an_approval_flow_publishes_once_approved(cast):
    from oa.directory.models import Role, Staff
    from oa.workflow.actions import do_complete_task
    from oa.workflow.models import HumanTask

    Staff.objects.get(user=cast.director).roles.add(Role.objects.get(code="office_head"))
    actions.do_update_column(cast.column, acting_user=cast.admin, fields={"approval_flow": "notice"})
    draft = actions.do_create_notice(
        cast.column,
        acting_user=cast.editor,
        fields={"title": "待审的通知", "body_html": "<p>正文</p>", "audience_all": True},
    )
    notice = actions.do_publish_notice(draft, acting_user=cast.editor)
    assert notice.state == Notice.State.PENDING
    assert readable(cast.cashier) == []

    task = HumanTask.objects.get(instance_id=notice.process_instance_id, state="open")
    do_complete_task(task, acting_user=cast.director, outcome="approve", opinion="同意发布")

    notice.refresh_from_db()
    assert notice.state == Notice.State.PUBLISHED
    assert readable(cast.cashier) == ["待审的通知"]


def test_a_rejected_notice_goes_back_to_its_author(cast):
    from oa.directory.models import Role, Staff
    from oa.workflow.actions import do_complete_task
    from oa.workflow.models import HumanTask

    Staff.objects.get(user=cast.director).roles.add(Role.objects.get(code="office_head"))
    actions.do_update_column(cast.column, acting_user=cast.admin, fields={"approval_flow": "notice"})
    draft = actions.do_create_notice(
        cast.column,
        acting_user=cast.editor,
        fields={"title": "不妥的通知", "body_html": "<p>正文</p>", "audience_all": True},
    )
    notice = actions.do_publish_notice(draft, acting_user=cast.editor)
    task = HumanTask.objects.get(instance_id=notice.process_instance_id, state="open")
    do_complete_task(task, acting_user=cast.director, outcome="reject", opinion="范围不对")

    notice.refresh_from_db()
    assert notice.state == Notice.State.REJECTED
    actions.do_update_notice(notice, acting_user=cast.editor, changes={"title": "改过的通知"})


def test_publishing_and_reminding_notify_through_the_centre(cast):
    from oa.notifications.models import Notification

    notice = publish(cast, audience_departments=[cast.finance.pk])
    published = Notification.objects.filter(kind="notice.published", source_id=str(notice.pk))
    assert sorted(published.values_list("recipient__username", flat=True)) == ["accountant", "cashier"]
    assert published.first().link == f"/portal/notices/{notice.pk}"
    actions.do_mark_read(notice, acting_user=cast.cashier)
    actions.do_remind_unread(notice, acting_user=cast.editor)
    reminded = Notification.objects.filter(kind="notice.reminder", source_id=str(notice.pk))
    assert list(reminded.values_list("recipient__username", flat=True)) == ["accountant"]
