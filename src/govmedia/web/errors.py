"""Domain errors services raise; views show the message, the API answers 409 / 422."""

from typing import Any


class InvalidState(Exception):
    """Not allowed in the object's current state (HTTP 409)."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extra = extra


class ContentRejected(Exception):
    """Content rules block the action; `findings` are in the `govmedia check` format (HTTP 422)."""

    def __init__(self, message: str, findings: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.findings = findings
