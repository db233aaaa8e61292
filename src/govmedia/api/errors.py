from typing import Any


class Conflict(Exception):
    """Not allowed in the current state (HTTP 409)."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extra = extra


class Unprocessable(Exception):
    """Invalid input (HTTP 422), e.g. with `findings` where content rules failed."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.extra = extra
