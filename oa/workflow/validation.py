"""Checking a BPMN document before it may be deployed (docs/workflow.md, "What is refused").

Each problem names the element (id and name) and its line, so the template engineer or the
unit admin in bpmn-js can find it; all problems are reported at once.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from oa.core.errors import ActionError, ErrorCode
from oa.workflow.assignment import Rule, RuleError, parse_rules
from oa.workflow.bpmn import (
    BPMN_NS,
    CAMUNDA_NS,
    ISO_LITERAL,
    OaBpmnParser,
    check_timer_literal,
    due_at_from,
    split_list,
    timer_expression,
)
from oa.workflow.expressions import UnsafeExpression, check_expression

MAX_BPMN_BYTES = 2 * 1024 * 1024

# Flow nodes a platform flow may use. Scripts, service calls, sub-processes and message
# events are refused: a flow only routes work between people (expressions are checked too).
FLOW_NODES = {
    "startEvent": "开始事件",
    "endEvent": "结束事件",
    "userTask": "用户任务",
    "task": "任务",
    "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关",
    "inclusiveGateway": "包容网关",
    "intermediateCatchEvent": "中间定时事件",
    "intermediateThrowEvent": "中间事件",
    "boundaryEvent": "边界定时事件",
}
# Other children of <process> that carry no behaviour.
INERT = {
    "sequenceFlow",
    "laneSet",
    "textAnnotation",
    "association",
    "group",
    "documentation",
    "extensionElements",
}
CONDITIONAL_GATEWAYS = {"exclusiveGateway", "inclusiveGateway"}


def _tag(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _is_bpmn(node) -> bool:
    return isinstance(node.tag, str) and etree.QName(node).namespace == BPMN_NS


@dataclass
class Problem:
    detail: str
    element_id: str = ""
    element_name: str = ""
    line: int | None = None

    def as_dict(self) -> dict:
        return {
            "field": "bpmn_xml",
            "code": str(ErrorCode.BPMN_INVALID),
            "detail": self.detail,
            "element_id": self.element_id,
            "element_name": self.element_name,
            "line": self.line,
        }


@dataclass
class ParsedDefinition:
    process_id: str
    process_name: str
    spec: object
    starter_rules: list[Rule] = field(default_factory=list)


def _describe(node) -> str:
    name = node.get("name")
    kind = FLOW_NODES.get(_tag(node), _tag(node))
    label = f"“{name}”（{node.get('id')}）" if name else f"“{node.get('id')}”"
    return f"{kind}{label}"


class _Checker:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, detail: str, node=None) -> None:
        if node is None:
            self.problems.append(Problem(detail))
        else:
            self.problems.append(
                Problem(
                    detail,
                    element_id=node.get("id") or "",
                    element_name=node.get("name") or "",
                    line=node.sourceline,
                )
            )

    def expression(self, text: str | None, node, what: str) -> None:
        try:
            check_expression((text or "").strip())
        except UnsafeExpression as exc:
            self.add(f"{_describe(node)}的{what}不可用：{exc}", node)

    def refuse(self) -> None:
        if self.problems:
            first = self.problems[0]
            where = f"（第 {first.line} 行）" if first.line else ""
            more = f"；另有 {len(self.problems) - 1} 处问题" if len(self.problems) > 1 else ""
            raise ActionError(
                ErrorCode.BPMN_INVALID,
                f"{first.detail}{where}{more}",
                field="bpmn_xml",
                errors=[p.as_dict() for p in self.problems],
            )


def parse_xml(bpmn_xml: str | bytes):
    """Parse without entities or network access (no XXE), or refuse with the line."""
    data = bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bpmn_xml
    if not data.strip():
        raise ActionError(ErrorCode.REQUIRED, "BPMN 内容不能为空。", field="bpmn_xml")
    if len(data) > MAX_BPMN_BYTES:
        raise ActionError(ErrorCode.BPMN_INVALID, "BPMN 文件过大（上限 2 MB）。", field="bpmn_xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno
        raise ActionError(
            ErrorCode.BPMN_INVALID,
            f"XML 格式错误（第 {line} 行）：{exc.msg}",
            field="bpmn_xml",
            errors=[Problem(f"XML 格式错误：{exc.msg}", line=line).as_dict()],
        ) from exc


def validate_bpmn(bpmn_xml: str | bytes) -> ParsedDefinition:
    root = parse_xml(bpmn_xml)
    if not _is_bpmn(root) or _tag(root) != "definitions":
        raise ActionError(
            ErrorCode.BPMN_INVALID,
            f"这不是 BPMN 2.0 文档：根元素应为 bpmn:definitions（命名空间 {BPMN_NS}），实际为 {root.tag}。",
            field="bpmn_xml",
        )
    check = _Checker()
    processes = [
        p
        for p in root.iterchildren()
        if _is_bpmn(p) and _tag(p) == "process" and p.get("isExecutable") != "false"
    ]
    if len(processes) != 1:
        check.add(f"BPMN 中应有且只有一个可执行流程（bpmn:process），实际有 {len(processes)} 个。")
        check.refuse()
    process = processes[0]
    _check_process(process, check)
    check.refuse()

    starter_rules: list[Rule] = []
    try:
        starter_rules = parse_rules(process.get(f"{{{CAMUNDA_NS}}}candidateStarterGroups"))
    except RuleError as exc:
        check.add(f"流程的发起人规则（camunda:candidateStarterGroups）有误：{exc}", process)
        check.refuse()

    spec = parse_spec(root, process.get("id"), check)
    return ParsedDefinition(
        process_id=process.get("id"),
        process_name=process.get("name") or process.get("id"),
        spec=spec,
        starter_rules=starter_rules,
    )


def parse_spec(root, process_id: str, check: _Checker | None = None):
    """Let SpiffWorkflow build the spec; its refusals are reported like ours."""
    check = check or _Checker()
    parser = OaBpmnParser()
    try:
        parser.add_bpmn_xml(root)
        return parser.get_spec(process_id)
    except (ValidationException, SpiffWorkflowException) as exc:
        node = (
            next(iter(root.xpath(f"//*[@id='{getattr(exc, 'id', '')}']")), None)
            if getattr(exc, "id", "")
            else None
        )
        message = str(exc).split("\n")[0]
        check.add(f"{_describe(node)}：{message}" if node is not None else f"流程无法解析：{message}", node)
        check.refuse()
        raise AssertionError("unreachable") from exc


def _check_process(process, check: _Checker) -> None:
    nodes: dict[str, object] = {}
    flows = []
    for child in process.iterchildren():
        if not isinstance(child.tag, str):
            continue  # comments
        tag = _tag(child)
        if not _is_bpmn(child):
            check.add(f"流程中不支持非 BPMN 元素 {child.tag}。", child)
        elif tag in FLOW_NODES:
            if not child.get("id"):
                check.add(f"{FLOW_NODES[tag]}缺少 id。", child)
                continue
            nodes[child.get("id")] = child
        elif tag == "sequenceFlow":
            flows.append(child)
        elif tag not in INERT:
            check.add(
                f"不支持的元素 bpmn:{tag}“{child.get('name') or child.get('id') or ''}”："
                "平台流程只使用开始/结束事件、用户任务、网关、定时事件和顺序流。",
                child,
            )

    starts = [n for n in nodes.values() if _tag(n) == "startEvent"]
    if not starts:
        check.add(
            f"流程“{process.get('name') or process.get('id')}”没有开始事件（bpmn:startEvent）。", process
        )
        return
    if len(starts) > 1:
        for extra in starts[1:]:
            check.add(f"流程只能有一个开始事件，{_describe(extra)}是多余的。", extra)

    outgoing: dict[str, list] = {}
    for flow in flows:
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        for end, ref in (("起点", source), ("终点", target)):
            if ref not in nodes:
                check.add(f"顺序流“{flow.get('id')}”的{end}“{ref}”不存在。", flow)
        outgoing.setdefault(source, []).append(flow)

    for node in nodes.values():
        _check_node(node, outgoing.get(node.get("id"), []), nodes, check)

    # Everything must be reachable from the start event (boundary events through their task).
    attached: dict[str, list[str]] = {}
    for node in nodes.values():
        if _tag(node) == "boundaryEvent":
            attached.setdefault(node.get("attachedToRef"), []).append(node.get("id"))
    seen = {starts[0].get("id")}
    queue = deque(seen)
    while queue:
        current = queue.popleft()
        nexts = [f.get("targetRef") for f in outgoing.get(current, [])] + attached.get(current, [])
        for nxt in nexts:
            if nxt in nodes and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    for node_id, node in nodes.items():
        if node_id not in seen:
            check.add(f"{_describe(node)}从开始事件无法到达。", node)


def _check_node(node, outgoing: list, nodes: dict, check: _Checker) -> None:
    tag = _tag(node)
    definitions = [
        _tag(c) for c in node.iterchildren() if _is_bpmn(c) and _tag(c).endswith("EventDefinition")
    ]
    if tag != "endEvent" and not outgoing:
        check.add(f"{_describe(node)}没有出口顺序流。", node)
    if tag == "startEvent" and definitions:
        check.add(f"{_describe(node)}只能是普通开始事件（流程由人发起）。", node)
    if tag == "endEvent" and set(definitions) - {"terminateEventDefinition"}:
        check.add(f"{_describe(node)}只能是普通或终止结束事件。", node)
    if tag == "intermediateThrowEvent" and definitions:
        check.add(f"{_describe(node)}不支持抛出事件定义。", node)
    if tag in ("intermediateCatchEvent", "boundaryEvent"):
        if definitions != ["timerEventDefinition"]:
            check.add(f"{_describe(node)}只支持定时事件（timerEventDefinition）。", node)
        else:
            _check_timer(node, check)
        if tag == "boundaryEvent" and _tag(nodes.get(node.get("attachedToRef"), node)) != "userTask":
            check.add(f"{_describe(node)}须附着在用户任务上。", node)
    if tag == "userTask":
        _check_user_task(node, check)
    if len(outgoing) > 1 and tag in CONDITIONAL_GATEWAYS:
        default = node.get("default")
        for flow in outgoing:
            condition = _condition(flow)
            if condition is None and flow.get("id") != default:
                check.add(
                    f"{_describe(node)}的出口“{flow.get('name') or flow.get('id')}”既没有条件也不是默认出口。",
                    flow,
                )
            elif condition is not None:
                check.expression(condition, flow, "条件")
    elif len(outgoing) > 1 and tag not in ("parallelGateway", "startEvent"):
        check.add(f"{_describe(node)}有多个出口：分支请用网关。", node)
    for flow in outgoing:
        if tag not in CONDITIONAL_GATEWAYS and _condition(flow) is not None:
            check.add(f"顺序流“{flow.get('id')}”的条件只能写在排他或包容网关的出口上。", flow)


def _condition(flow) -> str | None:
    for child in flow.iterchildren():
        if _is_bpmn(child) and _tag(child) == "conditionExpression":
            return (child.text or "").strip() or None
    return None


def _check_timer(node, check: _Checker) -> None:
    definition = next(c for c in node.iterchildren() if _is_bpmn(c) and _tag(c) == "timerEventDefinition")
    values = [c for c in definition.iterchildren() if _is_bpmn(c)]
    if len(values) != 1 or _tag(values[0]) not in ("timeDate", "timeDuration", "timeCycle"):
        check.add(f"{_describe(node)}须给出一个 timeDate、timeDuration 或 timeCycle。", node)
        return
    text = (values[0].text or "").strip()
    if ISO_LITERAL.match(text):
        try:
            check_timer_literal(_tag(values[0]), text)
        except ValueError as exc:
            check.add(f"{_describe(node)}的时间“{text}”不是有效的 ISO 8601 值：{exc}", node)
    else:
        check.expression(timer_expression(text), node, "时间表达式")


def _check_user_task(node, check: _Checker) -> None:
    rules_text = node.get(f"{{{CAMUNDA_NS}}}candidateGroups")
    for attr in ("assignee", "candidateUsers"):
        if node.get(f"{{{CAMUNDA_NS}}}{attr}"):
            check.add(
                f"{_describe(node)}使用了 camunda:{attr}：本平台的办理人统一写在 camunda:candidateGroups，"
                "如 user:用户名 或 starter。",
                node,
            )
    if not (rules_text or "").strip():
        check.add(f"{_describe(node)}没有办理人规则（camunda:candidateGroups）。", node)
    else:
        try:
            parse_rules(rules_text)
        except RuleError as exc:
            check.add(f"{_describe(node)}的办理人规则有误：{exc}", node)
    due = node.get(f"{{{CAMUNDA_NS}}}dueDate")
    if due:
        try:
            due_at_from(due, None)
        except ValueError:
            check.add(
                f"{_describe(node)}的期限 camunda:dueDate“{due}”应为 ISO 8601 时长（如 P2D、PT4H）或时间。",
                node,
            )
    for prop in node.xpath(
        "./bpmn:extensionElements/camunda:properties/camunda:property[@name='outcomes']",
        namespaces={"bpmn": BPMN_NS, "camunda": CAMUNDA_NS},
    ):
        outcomes = split_list(prop.get("value"))
        if not outcomes or not all(o.isidentifier() for o in outcomes):
            check.add(f"{_describe(node)}的 outcomes 应为逗号分隔的英文标识，如 approve,reject。", node)
    loops = [c for c in node.iterchildren() if _is_bpmn(c) and _tag(c).endswith("LoopCharacteristics")]
    for loop in loops:
        if _tag(loop) != "multiInstanceLoopCharacteristics":
            check.add(f"{_describe(node)}不支持循环（standardLoopCharacteristics），请用多实例。", node)
            continue
        collection = loop.get(f"{{{CAMUNDA_NS}}}collection")
        element_var = loop.get(f"{{{CAMUNDA_NS}}}elementVariable")
        if not collection or not element_var:
            check.add(
                f"{_describe(node)}是多实例任务，须设置 camunda:collection（签署人集合变量）和 "
                "camunda:elementVariable（单个签署人变量）。",
                node,
            )
        for name in (collection, element_var):
            if name and not name.isidentifier():
                check.add(f"{_describe(node)}的多实例变量名“{name}”应为英文标识。", node)
        for child in loop.iterchildren():
            if _is_bpmn(child) and _tag(child) == "loopCardinality":
                check.add(f"{_describe(node)}不支持 loopCardinality：签署人由集合给出。", node)
            if _is_bpmn(child) and _tag(child) == "completionCondition":
                check.expression(child.text, node, "完成条件")
