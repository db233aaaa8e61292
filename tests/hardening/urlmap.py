"""Every URL pattern of the URL conf, resolved to a concrete path with sample ids from the demo data.

Samples are taken from 栋川镇 (town_admin's unit) wherever a row belongs to a unit, so the same path is
"own unit" for town_admin / town_leader and "another unit" for edu_admin / edu_leader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver

TOWN = "栋川镇"


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when the pattern has no name
    route: str
    params: tuple[str, ...]
    view: Any

    @property
    def public(self) -> bool:
        """Marked `login_not_required` (Django 5.1+) or under a prefix with its own authentication."""
        return getattr(self.view, "login_required", True) is False


def _walk(patterns: list[Any], prefix: str = "", ns: str | None = None) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ns if p.namespace is None else (f"{ns}:{p.namespace}" if ns else p.namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = f"{ns}:{p.name}" if ns and p.name else (p.name or route)
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
            yield Route(name, route, params, p.callback)


def page_routes() -> list[Route]:
    """Every non-API route (the API is covered operation by operation from its OpenAPI document)."""
    return [r for r in _walk(get_resolver().url_patterns) if not r.route.startswith("api/")]


def _first(model: type[Model], **filters: Any) -> int:
    obj = model._default_manager.filter(**filters).order_by("pk").first()
    if obj is None:
        obj = model._default_manager.order_by("pk").first()
    return obj.pk if obj is not None else 999_999


def _town() -> Any:
    from govmedia.org.models import Unit

    return Unit.objects.get(name=TOWN)


def _town_account(**extra: Any) -> int:
    from govmedia.registry.models import Account

    return _first(Account, unit=_town(), **extra)


def _town_post() -> int:
    from govmedia.publishing.models import Post

    return _first(Post, unit=_town())


def _town_inquiry() -> int:
    from govmedia.inquiries.models import Inquiry

    return _first(Inquiry, steps__assignee_unit=_town())


def _town_incident() -> int:
    from govmedia.security.models import Incident

    return _first(Incident, accounts__unit=_town())


def _model(label: str) -> Callable[..., int]:
    def pick(**filters: Any) -> int:
        from django.apps import apps

        return _first(apps.get_model(label), **filters)

    return pick


def _step_of_post() -> int:
    from govmedia.publishing.models import ReviewStep

    return _first(ReviewStep, post=_town_post())


def _step_of_incident() -> int:
    from govmedia.security.models import IncidentStep

    return _first(IncidentStep, incident=_town_incident())


# Sample value per (namespace, parameter); a parameter not listed gets 1 (an int) or "x" (a string).
SAMPLES: dict[tuple[str, str], Callable[[], Any]] = {
    ("org:unit_edit", "pk"): lambda: _town().pk,
    ("org:person_edit", "pk"): lambda: _model("org.User")(username="town_admin"),
    ("security:account", "pk"): _town_account,
    ("security:password_change", "pk"): _town_account,
    ("security:file", "pk"): _model("security.StoredFile"),
    ("security:network_remove", "pk"): _model("security.OfficeNetwork"),
    ("security:device_approve", "pk"): _model("security.KnownDevice"),
    ("security:patrol", "pk"): lambda: _model("security.Patrol")(account__unit=_town()),
    ("security:shift_edit", "pk"): _model("security.DutyShift"),
    ("security:period_remove", "pk"): _model("security.HeightenedPeriod"),
    ("security", "pk"): _town_incident,  # incident pages
    ("security", "step_id"): _step_of_incident,
    ("security:notice_read", "pk"): _model("security.Notice"),
    ("registry", "pk"): _town_account,
    ("registry", "grant_pk"): _model("registry.OperatorGrant"),
    ("registry", "kind"): lambda: "new",
    ("registry", "action"): lambda: "suspend",
    ("registry:filing", "pk"): lambda: _model("registry.Filing")(account__unit=_town()),
    ("registry:filing_edit", "pk"): lambda: _model("registry.Filing")(account__unit=_town()),
    ("registry:filing_a1", "pk"): lambda: _model("registry.Filing")(account__unit=_town()),
    ("registry:filing_a1_docx", "pk"): lambda: _model("registry.Filing")(account__unit=_town()),
    ("compliance", "pk"): _model("compliance.LexiconEntry"),
    ("compliance", "key"): lambda: "wechat",
    ("publishing", "pk"): _town_post,
    ("publishing", "step_id"): _step_of_post,
    ("publishing:event", "pk"): _model("publishing.EmergencyEvent"),
    ("publishing:task_answer", "pk"): _model("publishing.CoordinationTask"),
    ("publishing:material_file", "pk"): lambda: _model("publishing.Material")(unit=_town()),
    ("inquiries", "pk"): _town_inquiry,
    ("inquiries", "action"): lambda: "instruct",
    ("inquiries", "attachment_id"): _model("inquiries.Attachment"),
    ("platforms", "account_id"): lambda: _town_account(type="wechat"),
    ("deliveries", "post_pk"): _town_post,
    ("deliveries", "account_pk"): _town_account,
    ("calendar", "year"): lambda: 2026,
    ("simulator", "platform"): lambda: "wechat",
}


def sample_kwargs(route: Route) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    namespace = route.name.split(":")[0]
    for param in route.params:
        make = SAMPLES.get((route.name, param)) or SAMPLES.get((namespace, param))
        if make is not None:
            kwargs[param] = make()
        else:
            kwargs[param] = 1 if f"<int:{param}>" in route.route else "x"
    return kwargs


def path_of(route: Route) -> str:
    kwargs = sample_kwargs(route)
    path = route.route
    for param, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{param}>", str(value), path)
    return "/" + path
