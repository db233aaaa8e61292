"""The one permission function: `can(user, action, obj)`.

Each app registers the rules of its own actions with `@rule("app.action")`; a rule answers whether the
user may do the action to the object. An unknown action is refused, so a missing rule fails closed.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        if action in _RULES:
            raise ValueError(f"duplicate permission rule {action}")
        _RULES[action] = fn
        return fn

    return register


def can(user: Any, action: str, obj: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    check = _RULES.get(action)
    return bool(check and check(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (shown in Chinese) unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise PermissionDenied("您没有执行此操作的权限。")
