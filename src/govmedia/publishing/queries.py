"""The lists people live in: waiting for my decision, waiting for my publication."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from govmedia.org.models import Unit

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
        # A scalar subquery on the county's approved posts, not EXISTS: PostgreSQL turned EXISTS into a join
        # that read every post ever linked to the county government's accounts (~3 000 at province scale)
        # to find the ~150 approved ones; this reads the county's ~750 approved posts (9 ms → 5 ms).
        county_gov = links.filter(
            account__unit__kind=Unit.Kind.COUNTY_GOV, account__unit__county=user.county_id
        ).values("pk")[:1]
        posts = posts.alias(county_gov_link=Subquery(county_gov))
        mine = Q(unit__county=user.county_id, county_gov_link__isnull=False)
        if user.has_role("unit_admin"):
            mine |= Q(Exists(links.filter(account__unit=user.unit_id)))
    elif user.has_role("unit_admin"):
        mine = Q(Exists(links.filter(account__unit=user.unit_id)))
    else:
        return Post.objects.none()
    return posts.filter(mine).select_related("publish_deadline", "unit").order_by("publish_deadline__due_at")
