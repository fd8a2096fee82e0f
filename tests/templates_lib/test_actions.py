"""Library actions: drafts, publishing, and published versions that never change."""

import pytest
from django.db import DatabaseError, connection, transaction

from oa.core.errors import ActionError
from oa.core.models import AuditEvent
from templates_lib import actions
from templates_lib.models import StarterKit, Template, TemplateVersion
from tests.conftest import user_in

NUMBERING = {"purpose": "other", "pattern": "督〔{年}〕{序号}号", "reset": "yearly", "start": 1}


@pytest.fixture
def provider_user(db):
    return user_in(None, "provider")


@pytest.fixture
def template(provider_user):
    return actions.do_create_template(
        acting_user=provider_user, kind="numbering", code="supervision", name="督办编号"
    )


def test_a_draft_gets_the_next_number_and_an_audit_event(template, provider_user):
    first = actions.do_add_draft_version(template, acting_user=provider_user, content=NUMBERING, notes="初稿")
    second = actions.do_add_draft_version(template, acting_user=provider_user, content=NUMBERING)
    assert (first.number, second.number) == (1, 2)
    assert first.state == "draft" and first.published_at is None
    assert first.created_by_name == "平台运营员 (provider)"
    assert AuditEvent.objects.filter(action="templates.version_drafted", target_id=str(first.pk)).exists()


def test_an_invalid_draft_is_refused_and_nothing_is_stored(template, provider_user):
    with pytest.raises(ActionError) as caught:
        actions.do_add_draft_version(
            template, acting_user=provider_user, content={**NUMBERING, "pattern": "督{序号}"}
        )
    assert caught.value.errors[0]["where"] == "/pattern"
    assert not template.versions.exists()


def test_a_draft_can_be_changed_but_a_published_version_cannot(template, provider_user):
    draft = actions.do_add_draft_version(template, acting_user=provider_user, content=NUMBERING)
    changed = {**NUMBERING, "start": 5}
    draft = actions.do_update_draft_version(draft, acting_user=provider_user, content=changed)
    assert draft.content_json["start"] == 5
    published = actions.do_publish_version(draft, acting_user=provider_user)
    assert published.state == "published" and published.published_at is not None
    with pytest.raises(ActionError) as caught:
        actions.do_update_draft_version(published, acting_user=provider_user, notes="改一下")
    assert (caught.value.code, caught.value.status) == ("invalid_state", 409)
    with pytest.raises(ActionError):
        actions.do_publish_version(published, acting_user=provider_user)
    published.refresh_from_db()
    assert published.content_json["start"] == 5 and published.notes == ""


def test_the_database_refuses_to_change_or_delete_a_published_version(template, provider_user):
    draft = actions.do_add_draft_version(template, acting_user=provider_user, content=NUMBERING)
    # A draft is the provider's to change (and, outside the actions, to delete).
    TemplateVersion.objects.filter(pk=draft.pk).update(notes="草稿可改")
    published = actions.do_publish_version(draft, acting_user=provider_user)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        TemplateVersion.objects.filter(pk=published.pk).update(content_json={"tampered": True})
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        TemplateVersion.objects.filter(pk=published.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE templates_lib_templateversion SET state = 'draft' WHERE id = %s", [published.pk]
        )
    published.refresh_from_db()
    assert published.content_json == NUMBERING and published.state == "published"


def test_an_older_draft_cannot_be_published_over_a_newer_version(template, provider_user):
    old = actions.do_add_draft_version(template, acting_user=provider_user, content=NUMBERING)
    new = actions.do_add_draft_version(template, acting_user=provider_user, content={**NUMBERING, "start": 2})
    actions.do_publish_version(new, acting_user=provider_user)
    with pytest.raises(ActionError) as caught:
        actions.do_publish_version(old, acting_user=provider_user)
    assert caught.value.status == 409 and "第 2 版" in caught.value.detail


def test_publishing_moves_the_starter_kits_to_the_new_version(provider_user):
    leave = Template.objects.get(kind="form", code="leave")
    current = leave.versions.get(state="published")
    kits = set(StarterKit.objects.filter(versions=current).values_list("code", flat=True))
    assert kits == {"district_office", "city_bureau", "street_office"}
    content = {**current.content_json, "ui": {**current.content_json["ui"], "submit_label": "提交审批"}}
    draft = actions.do_add_draft_version(leave, acting_user=provider_user, content=content)
    actions.do_publish_version(draft, acting_user=provider_user)
    for kit in StarterKit.objects.all():
        numbers = set(kit.versions.filter(template=leave).values_list("number", flat=True))
        assert numbers == {draft.number}
    event = AuditEvent.objects.get(action="templates.version_published", target_id=str(draft.pk))
    assert sorted(event.detail["kits"]) == sorted(kits)


def test_a_kit_takes_published_versions_only(template, provider_user):
    draft = actions.do_add_draft_version(template, acting_user=provider_user, content=NUMBERING)
    with pytest.raises(ActionError) as caught:
        actions.do_save_starter_kit(
            acting_user=provider_user,
            code="trial",
            name="试点套件",
            unit_kind="city_office",
            modules=["documents"],
            versions=[draft],
        )
    assert caught.value.field == "versions"


def test_template_codes_and_kinds_are_checked(provider_user):
    with pytest.raises(ActionError) as caught:
        actions.do_create_template(acting_user=provider_user, kind="poster", code="x1", name="海报")
    assert caught.value.field == "kind"
    with pytest.raises(ActionError) as caught:
        actions.do_create_template(acting_user=provider_user, kind="form", code="Leave!", name="请假")
    assert caught.value.field == "code"
    with pytest.raises(ActionError) as caught:
        actions.do_create_template(acting_user=provider_user, kind="form", code="leave", name="请假")
    assert caught.value.status == 409
