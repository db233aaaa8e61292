import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import sections_for

# The navigation's to-do badge as last counted, in the session: [todo, unread notices, epoch seconds].
BADGE_KEY = "nav_badge"


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections = sections_for(user, request.path)
    counts = nav_counts(request)
    for section in sections:
        for link in section["links"]:
            link["count"] = counts.get(link["url"], 0)
    return {"nav_sections": sections, "nav_counts": counts}


def nav_counts(request: HttpRequest) -> dict[str, int]:
    """Badges in the navigation, by link url: my todo items, my unread notices.

    The home page has built the items already and its badge is their number. Elsewhere the unread notices
    are counted on every page; the to-do count, the costlier one, is counted with them (every counted
    provider in one SQL statement, without building the items) only when the person's last count is older
    than settings.NAV_BADGE_SECONDS, a notice has come or gone since, or they changed something themselves
    (`forget_badge`). Work that reaches a person brings a notice, so the badge follows at once; what others
    do shows within the minute."""
    from django.urls import reverse

    from govmedia.notifications.services import unread

    from .todo import Capped, count_all, count_parts

    user: Any = request.user
    notices = Capped(unread(user).values("pk"))
    items = getattr(request, "_todo_items", None)
    session: Any = request.session
    last = session.get(BADGE_KEY)
    now = time.time()
    if items is None and last and now - last[2] < settings.NAV_BADGE_SECONDS:
        (unread_count,) = count_all([notices])
        if unread_count == last[1]:
            return {reverse("home"): last[0], reverse("notifications:inbox"): unread_count}
    parts = [len(items)] if items is not None else count_parts(user)
    *todo, unread_count = count_all([*parts, notices])
    fresh = last and now - last[2] < settings.NAV_BADGE_SECONDS
    if not (fresh and last[:2] == [sum(todo), unread_count]):  # an unchanged fresh count: no session write
        session[BADGE_KEY] = [sum(todo), unread_count, now]
    return {reverse("home"): sum(todo), reverse("notifications:inbox"): unread_count}


def forget_badge(request: HttpRequest) -> None:
    session: Any = getattr(request, "session", None)
    if session is not None:
        session.pop(BADGE_KEY, None)
