from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govmedia.org.permissions import require, rule

from .models import SignInRecord


@rule("security.watch_signins")
def _watch_signins(user: Any, obj: Any) -> bool:
    return user.has_role("secadmin", "sysadmin")


def signins(request: HttpRequest) -> HttpResponse:
    """Sign-ins with device and IP; first-seen devices and failures stand out (R6.1-4)."""
    require(request.user, "security.watch_signins")
    qs = SignInRecord.objects.select_related("user__unit")
    if request.GET.get("only") == "flagged":
        qs = qs.filter(new_device=True) | qs.filter(success=False)
    page = Paginator(qs.order_by("-at"), 50).get_page(request.GET.get("page"))
    return render(request, "security/signins.html", {"page": page})
