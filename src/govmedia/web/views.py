from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """我的待办: every capability contributes the items waiting for this person."""
    from govmedia.org.models import sees_whole_county

    from .todo import items_for_request

    show_overview = sees_whole_county(request.user)
    page = Paginator(items_for_request(request), 50).get_page(request.GET.get("page"))
    return render(request, "web/home.html", {"page": page, "show_overview": show_overview})


@login_not_required
def error_400(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


@login_not_required
def error_403(request: HttpRequest, exception: Any = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "您没有访问此页面的权限。"
    return render(request, "errors/403.html", {"message": message}, status=403)


@login_not_required
def error_404(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


@login_not_required
def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
