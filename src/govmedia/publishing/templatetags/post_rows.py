"""{% load post_rows %}: the rows of 稿件与审核 built in Python (see web.markup): `{% waiting_rows steps %}`
(待我审核), `{% to_publish_rows posts %}` (待我发布) and `{% post_rows page %}` (the list of posts)."""

from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from govmedia.web.markup import PROVISIONAL, badge, cell, escape, link, moment, short_moment
from govmedia.web.todo import links_to

register = template.Library()

EMPTY = '<tr><td colspan="5" class="empty">没有稿件。</td></tr>'


def _rows(objects: Iterable[Any], row: Callable[[Any, Callable[[Any], str]], str]) -> SafeString:
    detail = links_to("publishing:detail")
    return mark_safe("\n".join(row(o, detail) for o in objects))


def _waiting(s: Any, detail: Callable[[Any], str]) -> str:
    d = s.deadline
    overdue = ' class="overdue"' if d and d.is_overdue() else ""
    due = f"{moment(d.due_at)}{f' {PROVISIONAL}' if d.provisional else ''}" if d else "—"
    return (
        f"<tr{overdue}>"
        + cell("标题", link(detail(s.post_id), s.post.title))
        + cell("单位", escape(s.post.unit.name))
        + cell("环节", s.label)
        + cell("收到", short_moment(s.received_at))
        + cell("时限", due)
        + "</tr>"
    )


def _to_publish(p: Any, detail: Callable[[Any], str]) -> str:
    d = p.publish_deadline
    overdue = ' class="overdue"' if d and d.is_overdue() else ""
    return (
        f"<tr{overdue}>"
        + cell("标题", link(detail(p.pk), p.title))
        + cell("单位", escape(p.unit.name))
        + cell("审定", short_moment(p.approved_at))
        + cell("时限", moment(d.due_at) if d else "—")
        + "</tr>"
    )


def _post(p: Any, detail: Callable[[Any], str]) -> str:
    category = f' title="{escape(p.category_label)}"' if p.category else ""
    return (
        "<tr>"
        + cell("标题", link(detail(p.pk), p.title))
        + cell("单位", escape(p.unit.name))
        + f'<td data-label="类别"{category}>{escape(p.category or "—")}</td>'
        + cell("状态", badge(p.status_label, p.status_tone))
        + cell("更新", moment(p.updated_at))
        + "</tr>"
    )


@register.simple_tag
def waiting_rows(steps: Iterable[Any]) -> SafeString:
    return _rows(steps, _waiting)


@register.simple_tag
def to_publish_rows(posts: Iterable[Any]) -> SafeString:
    return _rows(posts, _to_publish)


@register.simple_tag
def post_rows(page: Any) -> SafeString:
    return _rows(page, _post) or mark_safe(EMPTY)
