"""The lists people live in: waiting for my decision, waiting for my publication."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from govmedia.org.models import Unit
from govmedia.registry.models import Account

from .models import OPEN_STEP, Post, ReviewStep


def steps_waiting_for(user: Any) -> QuerySet[ReviewStep]:
    """Open steps this person may decide, soonest due first (mirrors the `publishing.decide` rule)."""
    roles = user.role_codes()
    unit = user.unit
    if not roles or unit is None:
        return ReviewStep.objects.none()
    scope = Q(assignee_unit=unit.pk)
    if unit.is_county_level:
        # A step held by the county level: the county of the post's unit (R5.4-2, R5.4-4).
        scope |= Q(assignee_unit__isnull=True, county=unit.county_id)
    else:
        scope |= Q(assignee_unit__isnull=True, post__unit=unit.pk)
    return (
        ReviewStep.objects.filter(OPEN_STEP, scope, assignee_role__in=roles)
        .select_related("post__unit", "deadline")
        .order_by("deadline__due_at", "received_at")
    )


def posts_to_publish(user: Any) -> QuerySet[Post]:
    """Approved posts on accounts this person administers (the centre: its county government's accounts).
    Subqueries rather than a join, so no DISTINCT: a count or a page stops after the rows it needs."""
    if user.unit_id is None:
        return Post.objects.none()
    links = Post.accounts.through.objects.filter(post=OuterRef("pk"))
    posts = Post.objects.filter(status=Post.Status.APPROVED)
    if user.has_role("center_staff"):
        # The county's approved posts, each checked (a scalar subquery on the link table's post index) for a
        # link to one of the county government's accounts, whose ids are read first. As EXISTS, PostgreSQL
        # joined every post ever linked to those accounts (~3 000 at province scale, 9 ms); given the
        # accounts as a subquery, it looked up each link's account and unit (5 ms); now under 2 ms.
        county_gov = list(
            Account.objects.filter(unit__county=user.county_id, unit__kind=Unit.Kind.COUNTY_GOV).values_list(
                "pk", flat=True
            )
        )
        mine = Q(pk__in=[])
        if county_gov:
            posts = posts.alias(
                county_gov_link=Subquery(links.filter(account__in=county_gov).values("pk")[:1])
            )
            mine = Q(unit__county=user.county_id, county_gov_link__isnull=False)
        if user.has_role("unit_admin"):
            mine |= Q(Exists(links.filter(account__unit=user.unit_id)))
    elif user.has_role("unit_admin"):
        mine = Q(Exists(links.filter(account__unit=user.unit_id)))
    else:
        return Post.objects.none()
    return posts.filter(mine).select_related("publish_deadline", "unit").order_by("publish_deadline__due_at")
