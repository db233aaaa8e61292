"""操作授权复核 (3.2.3): the periodic review list of who may operate which account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.web.errors import InvalidState

from . import grants, services
from .models import Account, OperatorGrant
from .rules import GRANT_REVIEW_DAYS


def review_list(request: HttpRequest) -> HttpResponse:
    due_only = request.GET.get("tab", "due") != "all"
    page = Paginator(grants.active_grants(request.user, due_only), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": grants.rows(page.object_list),
        "due_only": due_only,
        "interval": GRANT_REVIEW_DAYS,
    }
    return render(request, "registry/grant_review.html", context)


def _grant(request: HttpRequest, pk: int) -> OperatorGrant:
    visible = Account.objects.visible_to(request.user).values("pk")
    return get_object_or_404(
        OperatorGrant.objects.select_related("account", "user"), pk=pk, account__in=visible
    )


def _back(request: HttpRequest) -> HttpResponse:
    tab = "all" if request.POST.get("tab") == "all" else "due"
    return redirect(f"{reverse('registry:grants')}?tab={tab}")


@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    try:
        grants.confirm(request.user, grant, request=request)
    except InvalidState as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已确认{grant.user}继续操作“{grant.account.name}”。")
    return _back(request)


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    try:
        services.revoke_operator(request.user, grant, timezone.localdate(), request=request)
    except (ValidationError, InvalidState) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, f"已撤销{grant.user}对“{grant.account.name}”的操作授权。")
    return _back(request)
