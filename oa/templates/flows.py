"""A unit's flow templates run as process definitions (docs/workflow.md, ADR 0007).

Each flow template of the unit (key = its code) is deployed as a new ProcessDefinition
version whenever its content changes: when it is brought in from the library, edited, forked
or upgraded, in the same transaction. The starter kit's flows are deployed lazily, the first
time someone starts them (provisioning stays a few bulk inserts). Running instances keep the
version they started on.

Starting a flow from the portal validates the start data against the JSON Schema of the
form its start event names (`camunda:formKey` → the unit's form template of that code).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from jsonschema import Draft202012Validator

from oa.core.errors import ActionError, ErrorCode
from oa.templates.models import UnitTemplate
from oa.workflow import actions as workflow_actions
from oa.workflow.assignment import RuleError, parse_rules, user_matches
from oa.workflow.models import ProcessDefinition, ProcessInstance
from oa.workflow.validation import BPMN_NS, CAMUNDA_NS, parse_xml
from templates_lib.kinds import TemplateKind
from templates_lib.models import Template


@dataclass(frozen=True)
class FlowInfo:
    form_key: str
    starter_groups: str
    start_id: str = ""


def flow_info(bpmn_xml: str) -> FlowInfo:
    """The start event's form and who may start the flow, read from the BPMN."""
    root = parse_xml(bpmn_xml)
    process = next(
        (p for p in root.iter(f"{{{BPMN_NS}}}process") if (p.get("isExecutable") or "").lower() == "true"),
        None,
    )
    if process is None:
        return FlowInfo("", "")
    start = next(process.iter(f"{{{BPMN_NS}}}startEvent"), None)
    form_key = (start.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip() if start is not None else ""
    return FlowInfo(
        form_key,
        (process.get(f"{{{CAMUNDA_NS}}}candidateStarterGroups") or "").strip(),
        start.get("id", "") if start is not None else "",
    )


DOCUMENT_MODULE = "documents"
# Modules whose flows start from their own pages (they create their record too).
OWN_PAGE_MODULES = frozenset({DOCUMENT_MODULE, "archive"})


def _module(template: UnitTemplate) -> str:
    code = template.parent_code or template.code
    return (
        Template.objects.filter(kind=TemplateKind.FLOW, code=code).values_list("module", flat=True).first()
        or ""
    )


def deploy_flow_template(template: UnitTemplate, *, acting_user, ip=None) -> ProcessDefinition | None:
    """Deploy the template's current content as the next version of its flow (nothing new
    when it is the same as the latest version). Non-flow templates deploy nothing."""
    if template.kind != TemplateKind.FLOW:
        return None
    return workflow_actions.do_deploy_process_definition(
        acting_user=acting_user,
        key=template.code,
        name=template.name,
        bpmn_xml=template.content_text,
        module=_module(template),
        template_code=template.parent_code or template.code,
        template_version=template.parent_version,
        form_key=flow_info(template.content_text).form_key,
        ip=ip,
    )


def flow_template(key: str) -> UnitTemplate:
    template = UnitTemplate.objects.filter(kind=TemplateKind.FLOW, code=key).first()
    if template is None:
        raise ActionError(ErrorCode.NOT_FOUND, f"本单位没有流程“{key}”。", field="key", status=404)
    return template


def current_definition(template: UnitTemplate, *, acting_user) -> ProcessDefinition:
    """The definition matching the template's content, deployed now if it is not yet (a
    starter kit's flow the first time it starts)."""

    def matching():
        latest = ProcessDefinition.objects.filter(key=template.code).order_by("-version").first()
        if latest is not None and latest.bpmn_xml == template.content_text and latest.name == template.name:
            return latest
        return None

    found = matching()
    if found is not None:
        return found
    # Two first starts at once: the second waits for the first's deployment, then uses it.
    template = UnitTemplate.objects.select_for_update().get(pk=template.pk)
    return matching() or deploy_flow_template(template, acting_user=acting_user)


def start_form(form_key: str) -> dict | None:
    """The form template's content ({"schema", "ui"}) or None when the flow names no form."""
    if not form_key:
        return None
    form = UnitTemplate.objects.filter(kind=TemplateKind.FORM, code=form_key).first()
    if form is None:
        raise ActionError(
            ErrorCode.NOT_FOUND, f"流程的表单“{form_key}”不在本单位模板中。", field="key", status=404
        )
    return form.content_json


def _may_start(user, starter_groups: str) -> bool:
    if not starter_groups:
        return True
    try:
        return user_matches(user, parse_rules(starter_groups), starter=user)
    except RuleError:
        return False


def startable_flows(user) -> list[dict]:
    """The unit's flows the user may start, each with its start form."""
    forms = {f.code: f.content_json for f in UnitTemplate.objects.filter(kind=TemplateKind.FORM)}
    modules = dict(Template.objects.filter(kind=TemplateKind.FLOW).values_list("code", "module"))
    result = []
    for template in UnitTemplate.objects.filter(kind=TemplateKind.FLOW).order_by("code"):
        info = flow_info(template.content_text)
        module = modules.get(template.parent_code or template.code, "")
        # 发文/收文 start from their own pages (拟稿, 收文登记), which create the document too;
        # 借阅 from the archive's catalogue, which creates the loan; 信息发布审批 when a publisher
        # sends an item for approval.
        if module in OWN_PAGE_MODULES or module == "notices" or not _may_start(user, info.starter_groups):
            continue
        form = forms.get(info.form_key) if info.form_key else None
        result.append(
            {
                "key": template.code,
                "name": template.name,
                "module": module,
                "form_key": info.form_key,
                "schema": (form or {}).get("schema"),
                "ui": (form or {}).get("ui"),
            }
        )
    return result


def _field_of(error) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        path.append(missing[0] if missing else "")
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [name for name in error.instance if name not in allowed]
        path.append(extra[0] if extra else "")
    return ".".join(p for p in ["data", *path] if p)


def validate_start_data(schema: dict | None, data: dict) -> None:
    """Check the start data against the form's JSON Schema; every error names its field."""
    if not schema:
        return
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return
    properties = schema.get("properties", {})
    details = []
    for error in errors:
        field = _field_of(error)
        name = field.split(".")[1] if "." in field else ""
        label = properties.get(name, {}).get("title", name) if name else "表单"
        if error.validator == "required":
            message = f"请填写{label}。"
        elif error.validator == "additionalProperties":
            message = f"表单没有字段“{name}”。"
        else:
            message = f"{label}：{error.message}"
        details.append({"field": field, "code": str(ErrorCode.INVALID), "detail": message})
    raise ActionError(ErrorCode.INVALID, details[0]["detail"], field=details[0]["field"], errors=details)


@transaction.atomic
def do_start_flow(
    *,
    acting_user,
    key: str,
    title: str,
    data: dict | None = None,
    business_key: str = "",
    urgency: str = ProcessInstance.Urgency.NORMAL,
    now=None,
    ip=None,
) -> ProcessInstance:
    """发起: start the unit's flow `key` with its start form's data.

    A key that is not a unit flow template starts the latest deployed definition (flows
    deployed directly, e.g. by a module)."""
    data = data if data is not None else {}
    template = UnitTemplate.objects.filter(kind=TemplateKind.FLOW, code=key).first()
    if template is not None:
        definition = current_definition(template, acting_user=acting_user)
    else:
        definition = workflow_actions.latest_definition(key)
    if isinstance(data, dict):
        form = start_form(definition.form_key)
        validate_start_data((form or {}).get("schema"), data)
    return workflow_actions.do_start_process(
        definition,
        acting_user=acting_user,
        title=title,
        data=data,
        business_key=business_key,
        urgency=urgency,
        now=now,
        ip=ip,
    )


def validate_resubmission(task, data: dict | None) -> None:
    """After 退回发起人 the starter resubmits the start form: the corrected data (on top of
    what was submitted before) must still fit the form's JSON Schema."""
    definition = task.instance.definition
    if not definition.form_key or task.form_key != definition.form_key:
        return
    if task.element_id != flow_info(definition.bpmn_xml).start_id:
        return
    schema = (start_form(definition.form_key) or {}).get("schema")
    if not schema or not isinstance(data, dict):
        return
    fields = set(schema.get("properties", {}))
    merged = {k: v for k, v in task.instance.data.items() if k in fields}
    validate_start_data(schema, {**merged, **data})


def check_flow_targets(template: UnitTemplate) -> None:
    """Refuse a unit's edited flow whose steps name roles, people or departments the unit
    does not have (the engine's own validation cannot know the unit's directory)."""
    from lxml import etree

    from oa.workflow.assignment import RuleError, unknown_rule_targets
    from oa.workflow.bpmn import BPMN_NS, CAMUNDA_NS

    root = etree.fromstring(
        template.content_text.encode(), parser=etree.XMLParser(resolve_entities=False, no_network=True)
    )
    errors = []
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        try:
            problems = unknown_rule_targets(task.get(f"{{{CAMUNDA_NS}}}candidateGroups"))
        except RuleError:
            continue  # malformed rules are the engine validator's to report
        label = f"“{task.get('name')}”（{task.get('id')}）" if task.get("name") else f"“{task.get('id')}”"
        errors += [
            {
                "field": "content",
                "code": "bpmn_invalid",
                "detail": f"步骤{label}的办理人规则：{p}。",
                "line": task.sourceline,
            }
            for p in problems
        ]
    if errors:
        raise ActionError(
            ErrorCode.BPMN_INVALID, "；".join(e["detail"] for e in errors), field="content", errors=errors
        )
