"""Flow templates: BPMN 2.0 XML.

Only what the library must guarantee is checked here; the workflow engine (oa/workflow)
parses and checks the rest when it loads a flow. A flow must be:
- well-formed XML whose root is bpmn:definitions;
- with exactly one executable process (the one the engine runs);
- where every userTask says who may take it in camunda:candidateGroups (role:<code>,
  dept:<code or name>, dept_head:starter, starter, user:<username>): a task nobody can
  claim would stall every document that reaches it;
- with unique ids, which the three-way merge of unit copies relies on.
"""

from __future__ import annotations

from templates_lib.validation.problems import Problem
from templates_lib.xmldoc import BPMN, CAMUNDA, XmlDocument, XmlError, parse_xml, q, short


def check_flow(text: str) -> tuple[XmlDocument | None, list[Problem]]:
    if not isinstance(text, str) or not text.strip():
        return None, [Problem("流程内容须为 BPMN 2.0 XML 文本。", line=1)]
    try:
        doc = parse_xml(text)
    except XmlError as exc:
        return None, [Problem(exc.detail, line=exc.line)]
    root = doc.root
    if root.tag != q(BPMN, "definitions"):
        return doc, [
            Problem(
                f"根元素须为 bpmn:definitions（命名空间 {BPMN}），而不是 {short(root.tag)}。",
                line=doc.line_of(root),
            )
        ]
    problems: list[Problem] = []
    executable = [p for p in root.findall(q(BPMN, "process")) if p.get("isExecutable") == "true"]
    if len(executable) != 1:
        where = executable[1] if len(executable) > 1 else root
        problems.append(
            Problem(
                f'须恰好有一个可执行流程（bpmn:process isExecutable="true"），现有 {len(executable)} 个。',
                line=doc.line_of(where),
            )
        )
    seen: dict[str, int] = {}
    for element in root.iter():
        ident = element.get("id")
        if ident is None:
            continue
        if ident in seen:
            problems.append(
                Problem(f"id“{ident}”重复（第 {seen[ident]} 行已使用）。", line=doc.line_of(element))
            )
        else:
            seen[ident] = doc.line_of(element)
    for task in root.iter(q(BPMN, "userTask")):
        if not (task.get(q(CAMUNDA, "candidateGroups")) or "").strip():
            label = task.get("name") or task.get("id") or "?"
            problems.append(
                Problem(
                    f"用户任务“{label}”（id={task.get('id')}）缺少 camunda:candidateGroups，"
                    "无人可以办理（如 role:office_head、dept_head:starter、starter）。",
                    line=doc.line_of(task),
                )
            )
    return doc, problems
