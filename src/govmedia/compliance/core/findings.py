"""A finding: one thing the author must fix (block) or should look at (warn)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BLOCK = "block"
WARN = "warn"
SEVERITIES = (BLOCK, WARN)


@dataclass(frozen=True)
class Finding:
    rule: str
    clause: str
    severity: str
    field: str
    message: str
    value: Any = None
    limit: Any = None
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "clause": self.clause,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
            "value": self.value,
            "limit": self.limit,
            "span": list(self.span) if self.span is not None else None,
        }


def is_ok(findings: list[Finding]) -> bool:
    """A post may go on when nothing blocks it; warnings are for the author and reviewers to weigh."""
    return not any(f.severity == BLOCK for f in findings)


def report(findings: list[Finding]) -> dict[str, Any]:
    """The CONTRACT shape: {"ok": …, "findings": […]}."""
    return {"ok": is_ok(findings), "findings": [f.to_dict() for f in findings]}
