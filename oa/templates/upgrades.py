"""Planning a unit template's upgrade to a newer library version (read only).

The preview endpoint shows a plan; the upgrade action carries one out. Both merge the same
three contents: the parent version the unit's copy came from (base), the unit's content
(ours) and the newer version (theirs).
"""

from __future__ import annotations

from dataclasses import dataclass

from oa.core.errors import ActionError, ErrorCode
from oa.templates.models import UnitTemplate
from templates_lib.diffing import structural_diff, unified_diff
from templates_lib.merging import RESOLUTIONS, MergeResult, three_way_merge
from templates_lib.models import TemplateVersion
from templates_lib.queries import published_version


@dataclass
class UpgradePlan:
    template: UnitTemplate
    base: TemplateVersion
    target: TemplateVersion
    merge: MergeResult

    def preview(self) -> dict:
        kind = self.template.kind
        merge = self.merge
        return {
            "from_version": self.base.number,
            "to_version": self.target.number,
            "clean": merge.clean,
            "conflicts": [c.as_dict(merge.resolutions) for c in merge.conflicts],
            "problems": [p.as_error("content") for p in merge.problems],
            "library_changes": structural_diff(kind, self.base.content, self.target.content),
            "unit_changes": structural_diff(kind, self.base.content, self.template.content),
            "result_diff": unified_diff(
                kind, self.template.content, merge.content, old_label="本单位当前", new_label="升级后"
            ),
            "content": merge.content,
        }


def _clean_resolutions(resolutions) -> dict[str, str]:
    if resolutions is None:
        return {}
    if not isinstance(resolutions, dict):
        raise ActionError(
            ErrorCode.INVALID, "resolutions 须为 {冲突位置: ours|theirs}。", field="resolutions"
        )
    for where, choice in resolutions.items():
        if choice not in RESOLUTIONS:
            raise ActionError(
                ErrorCode.INVALID,
                f"冲突“{where}”的选择须为 ours 或 theirs，而不是“{choice}”。",
                field="resolutions",
            )
    return dict(resolutions)


def plan_upgrade(
    template: UnitTemplate, *, version: int | None = None, resolutions: dict[str, str] | None = None
) -> UpgradePlan:
    if not template.parent_code or template.parent_version is None:
        raise ActionError(ErrorCode.STATE, "此模板不是从模板库引入的，没有可升级的版本。", status=409)
    base = published_version(template.kind, template.parent_code, template.parent_version)
    if base is None:
        raise ActionError(
            ErrorCode.NOT_FOUND,
            f"模板库中找不到本模板的来源版本（{template.parent_code} 第 {template.parent_version} 版）。",
            status=404,
        )
    target = published_version(template.kind, template.parent_code, version)
    if target is None:
        raise ActionError(
            ErrorCode.NOT_FOUND, f"模板库中没有第 {version} 版的已发布版本。", field="version", status=404
        )
    if target.number <= template.parent_version:
        raise ActionError(
            ErrorCode.STATE,
            f"本模板已基于第 {template.parent_version} 版，没有更新的版本可升级。",
            field="version",
            status=409,
        )
    resolutions = _clean_resolutions(resolutions)
    merge = three_way_merge(template.kind, base.content, template.content, target.content, resolutions)
    unknown = sorted(set(resolutions) - {c.where for c in merge.conflicts})
    if unknown:
        raise ActionError(ErrorCode.INVALID, f"没有位于“{unknown[0]}”的冲突。", field="resolutions")
    return UpgradePlan(template=template, base=base, target=target, merge=merge)
