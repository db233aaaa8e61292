"""The app's URLs plus two references served by the same server: /bench/bare/, a tiny template (the
framework's ceiling), and /bench/shell/, an empty page in the product's layout (the header, the navigation
with its badges: what every page pays before its own content)."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from govmedia.urls import urlpatterns as app_urlpatterns

_BARE = engines["django"].from_string("<!doctype html><title>bare</title><p>{{ user.username }} {{ n }}</p>")
_SHELL = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}空页面{% endblock %}'
    "{% block content %}<p>{{ n }}</p>{% endblock %}"
)


def bare(request: HttpRequest) -> HttpResponse:
    # No request passed: the product's context processors (navigation, to-do counts) are not the framework.
    return HttpResponse(_BARE.render({"user": request.user, "n": 42}))


def shell(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_SHELL.render({"n": 42}, request))


urlpatterns = [path("bench/bare/", bare), path("bench/shell/", shell), *app_urlpatterns]
