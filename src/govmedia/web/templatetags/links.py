"""{% load links %}: `{% link "publishing:detail" post.pk %}`, the url of one object in a table's rows: the
same url as `{% url %}`, reversed once per view name (`web.todo.links_to`) rather than on every row."""

from django import template

from govmedia.web.todo import links_to

register = template.Library()


@register.simple_tag
def link(url_name: str, pk: int) -> str:
    return links_to(url_name)(pk)
