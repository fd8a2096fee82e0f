"""notify(): the one entry point every module writes notifications through."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from oa.notifications.api import KINDS, notify, register_kind
from oa.notifications.models import Notification, NotificationPreference
from oa.notifications.push import group_name


def test_it_creates_one_row_per_recipient_and_returns_the_count(people):
    director, auditor = people["director"], people["auditor"]
    with transaction.atomic():
        n = notify([director, auditor.pk, director], "todo.created", "新待办：核稿", link="/workflow/tasks/1")
    assert n == 2
    rows = Notification.objects.filter(kind="todo.created").order_by("recipient_id")
    assert sorted(r.recipient_id for r in rows) == sorted([director.pk, auditor.pk])
    assert {r.title for r in rows} == {"新待办：核稿"}
    assert all(r.read_at is None for r in rows)


def test_it_does_not_notify_the_actor_of_their_own_act(people):
    director, admin = people["director"], people["admin"]
    with transaction.atomic():
        n = notify([director, admin], "todo.urged", "催办", actor=admin, source=director)
    assert n == 1
    row = Notification.objects.get()
    assert row.recipient_id == director.pk
    assert row.actor_id == admin.pk and "admin" in row.actor_name
    assert row.source_type == "auth.user" and row.source_id == str(director.pk)


def test_it_honours_a_person_who_turned_the_kind_off(people):
    director, auditor = people["director"], people["auditor"]
    NotificationPreference.objects.create(user=auditor, kind="deadline.warning", enabled=False)
    with transaction.atomic():
        assert notify([director, auditor], "deadline.warning", "即将到期") == 1
        # Other kinds still reach them.
        assert notify([auditor], "deadline.overdue", "已超期") == 1
    assert list(Notification.objects.values_list("recipient_id", "kind").order_by("kind")) == [
        (auditor.pk, "deadline.overdue"),
        (director.pk, "deadline.warning"),
    ]


def test_it_refuses_an_unregistered_kind(people):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify([people["director"]], "nonsense.kind", "x")
    assert not Notification.objects.exists()


def test_register_kind_adds_a_kind_once(people):
    register_kind("test.pinged", "测试提醒", "Test ping")
    assert KINDS["test.pinged"].zh == "测试提醒"
    register_kind("test.pinged", "测试提醒", "Test ping")  # the same again is fine
    with pytest.raises(ValueError, match="already registered"):
        register_kind("test.pinged", "别的", "Other")
    with pytest.raises(ValueError):
        register_kind("nodot", "x", "x")
    del KINDS["test.pinged"]


def test_it_rolls_back_with_the_producing_action(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([people["director"]], "todo.created", "x")
        raise RuntimeError("the producer refused")
    assert not Notification.objects.exists()


def test_it_pushes_to_the_recipients_group_after_commit(people, django_capture_on_commit_callbacks):
    director = people["director"]
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name(connection.schema_name, director.pk), channel)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify([director], "todo.urged", "催办：请办理")
    assert len(callbacks) == 1
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "notify.message"
    assert message["unread"] == 1
    assert [item["title"] for item in message["items"]] == ["催办：请办理"]


def test_a_large_batch_is_pushed_by_a_task_after_commit(
    people, django_capture_on_commit_callbacks, eager_celery
):
    from oa.directory.actions import create_staff

    with transaction.atomic():
        users = [
            create_staff(username=f"u{i}", display_name=f"员工{i}", password="Cast@2026pass").user
            for i in range(60)
        ]
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name(connection.schema_name, users[-1].pk), channel)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert notify(users, "notice.published", "通知公告") == 60
    message = async_to_sync(layer.receive)(channel)
    assert message["unread"] == 1 and message["items"][0]["title"] == "通知公告"
