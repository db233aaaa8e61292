from typing import Any

from django.http import HttpRequest

from .navigation import sections_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_sections": sections_for(user, request.path)}
