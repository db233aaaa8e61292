"""The REST API under /api/v1: thin routers that call services (CONTRACT.md)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from govmedia.audit.services import record_refusal
from govmedia.web.errors import ContentRejected, InvalidState

from .auth import BearerToken
from .errors import Conflict, Unprocessable

api = NinjaAPI(
    title="政务公开新媒体管理平台 API",
    version="1",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "未登录或令牌无效。")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    record_refusal(request, exc)
    return _error(request, 403, str(exc) or "您没有执行此操作的权限。")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "对象不存在或不可见。")


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _error(request, 409, str(exc), **exc.extra)


@api.exception_handler(Unprocessable)
def _unprocessable(request: HttpRequest, exc: Unprocessable) -> HttpResponse:
    return _error(request, 422, str(exc), **exc.extra)


@api.exception_handler(InvalidState)
def _invalid_state(request: HttpRequest, exc: InvalidState) -> HttpResponse:
    return _error(request, 409, str(exc), **exc.extra)


@api.exception_handler(ContentRejected)
def _content_rejected(request: HttpRequest, exc: ContentRejected) -> HttpResponse:
    return _error(request, 422, str(exc), findings=exc.findings)


@api.exception_handler(ValidationError)
def _django_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 422, "输入有误。", errors=errors)


@api.exception_handler(NinjaValidationError)
def _schema_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": list(e.get("loc", [])), "message": e.get("msg", "")}
        for e in exc.errors
        if isinstance(e, dict)
    ]
    return _error(request, 422, "请求内容不符合接口要求。", errors=errors)


@api.exception_handler(DataError)
def _database_refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A value the database cannot hold (too long for its column, out of range): the service's transaction
    was rolled back, so nothing is stored; the caller gets 422, not 500."""
    return _error(request, 422, "输入有误：有字段超出允许的长度或取值范围。")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


from . import routes  # noqa: E402  (routers register themselves on `api`)

__all__ = ["api", "routes"]
