"""A validator's findings, and the refusal they become.

Every problem names where it is: a line for XML, a JSON pointer (RFC 6901) for JSON, so
the console and the unit admin's editor can put the cursor on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from oa.core.errors import ActionError, ErrorCode


@dataclass(frozen=True)
class Problem:
    detail: str
    line: int | None = None
    pointer: str | None = None

    @property
    def where(self) -> str:
        if self.line is not None:
            return f"第 {self.line} 行"
        return self.pointer or "/"

    def as_error(self, field: str) -> dict:
        return {
            "field": field,
            "code": str(ErrorCode.TEMPLATE_INVALID),
            "detail": f"{self.where}：{self.detail}",
            "where": self.where,
            "line": self.line,
            "pointer": self.pointer,
        }


def pointer(*parts) -> str:
    """A JSON pointer from path parts, escaping ~ and / as RFC 6901 says."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def refuse(problems: Iterable[Problem], *, field: str = "content") -> None:
    """Raise one ActionError listing every problem (the first one is the headline)."""
    problems = list(problems)
    if not problems:
        return
    errors = [p.as_error(field) for p in problems]
    more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
    raise ActionError(ErrorCode.TEMPLATE_INVALID, errors[0]["detail"] + more, field=field, errors=errors)
