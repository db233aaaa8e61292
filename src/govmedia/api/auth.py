from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from govmedia.org.models import ApiToken, confined_to_audit_log


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user__unit")
            .filter(key_hash=ApiToken.hash_key(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        if confined_to_audit_log(found.user) and not request.path.endswith("/me"):
            raise PermissionDenied("三员分立：审计管理员只能查阅、检索和导出责任日志。")
        return found.user
