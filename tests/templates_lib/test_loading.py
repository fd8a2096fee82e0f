"""The built-in templates load once; a changed file becomes a new published version."""

import json
import shutil

import pytest
from django.core.management import call_command

from oa.core.models import AuditEvent
from templates_lib import actions
from templates_lib.loading import BUILTIN_DIR, BuiltinError, load_builtin_templates
from templates_lib.models import StarterKit, Template, TemplateVersion
from tests.conftest import user_in


@pytest.fixture
def builtin_copy(tmp_path):
    target = tmp_path / "builtin"
    shutil.copytree(BUILTIN_DIR, target)
    return target


def test_the_migration_pass_loaded_every_builtin_template_and_kit(db):
    catalogue = json.loads((BUILTIN_DIR / "catalogue.json").read_text(encoding="utf-8"))
    assert Template.objects.filter(builtin=True).count() == len(catalogue["templates"]) == 22
    for kind, count in [
        ("flow", 8),
        ("form", 6),
        ("layout", 1),
        ("numbering", 3),
        ("roleset", 3),
        ("mapping", 1),
    ]:
        assert Template.objects.filter(kind=kind).count() == count
    assert not TemplateVersion.objects.filter(state="draft").exists()
    kits = {k.code: k for k in StarterKit.objects.all()}
    assert set(kits) == {"district_office", "city_bureau", "street_office"}
    assert kits["district_office"].also_suits == ["city_office"]
    assert "supervision" not in kits["street_office"].modules
    roleset = kits["street_office"].versions.get(template__kind="roleset")
    assert roleset.template.code == "street"
    assert kits["city_bureau"].versions.count() == 20


def test_loading_again_changes_nothing(db, capsys):
    versions, events = TemplateVersion.objects.count(), AuditEvent.objects.count()
    call_command("load_builtin_templates")
    assert "0 new, 0 new versions, 22 unchanged; kits changed: 0" in capsys.readouterr().out
    assert (TemplateVersion.objects.count(), AuditEvent.objects.count()) == (versions, events)


def test_a_changed_file_is_published_as_a_new_version_and_kits_follow(db, builtin_copy):
    path = builtin_copy / "numbering" / "incoming.json"
    rule = json.loads(path.read_text(encoding="utf-8"))
    rule["description"] = "收文编号（修订）"
    path.write_text(json.dumps(rule, ensure_ascii=False), encoding="utf-8")
    report = load_builtin_templates(directory=builtin_copy)
    assert report.published == ["numbering:incoming@2"]
    assert report.kits_changed == []  # publishing already moved them
    template = Template.objects.get(kind="numbering", code="incoming")
    assert template.versions.get(number=2).state == "published"
    for kit in StarterKit.objects.all():
        assert kit.versions.get(template=template).number == 2
    assert load_builtin_templates(directory=builtin_copy).published == []


def test_the_providers_own_versions_stand_until_the_file_itself_changes(db, builtin_copy):
    provider = user_in(None, "provider")
    template = Template.objects.get(kind="numbering", code="letter")
    current = template.versions.get(number=1)
    own = actions.do_add_draft_version(
        template, acting_user=provider, content={**current.content_json, "start": 100}
    )
    actions.do_publish_version(own, acting_user=provider)
    assert load_builtin_templates(directory=builtin_copy).published == []
    assert template.versions.order_by("-number").first().content_json["start"] == 100


def test_reformatting_a_json_file_is_not_a_change(db, builtin_copy):
    path = builtin_copy / "forms" / "seal.json"
    path.write_text(
        json.dumps(json.loads(path.read_text(encoding="utf-8")), sort_keys=True), encoding="utf-8"
    )
    assert load_builtin_templates(directory=builtin_copy).published == []


def test_a_broken_builtin_file_names_the_file_and_loads_nothing(db, builtin_copy):
    path = builtin_copy / "flows" / "leave.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace('camunda:candidateGroups="role:clerk"', ""))
    (builtin_copy / "forms" / "seal.json").write_text(
        '{"schema": {"type": "object", "properties": {"a": {}}}}'
    )
    versions = TemplateVersion.objects.count()
    with pytest.raises(BuiltinError, match=r"flows/leave\.bpmn: 第 \d+ 行"):
        load_builtin_templates(directory=builtin_copy)
    assert TemplateVersion.objects.count() == versions
