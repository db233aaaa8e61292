"""The app's URLs plus /bench/bare/: a tiny template rendered by the same server (the framework's ceiling)."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from govmedia.urls import urlpatterns as app_urlpatterns

_BARE = engines["django"].from_string("<!doctype html><title>bare</title><p>{{ user.username }} {{ n }}</p>")


def bare(request: HttpRequest) -> HttpResponse:
    # No request passed: the product's context processors (navigation, to-do counts) are not the framework.
    return HttpResponse(_BARE.render({"user": request.user, "n": 42}))


urlpatterns = [path("bench/bare/", bare), *app_urlpatterns]
