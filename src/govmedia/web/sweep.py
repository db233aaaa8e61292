"""`govmedia sweep`: each app registers the periodic work that marks overdue items and sends reminders.
Every sweeper must be idempotent: running it twice in a row does nothing the second time."""

from collections.abc import Callable

Sweeper = Callable[[], int]
_SWEEPERS: dict[str, Sweeper] = {}


def sweeper(name: str) -> Callable[[Sweeper], Sweeper]:
    def register(fn: Sweeper) -> Sweeper:
        _SWEEPERS[name] = fn
        return fn

    return register


def run_all() -> dict[str, int]:
    return {name: fn() for name, fn in sorted(_SWEEPERS.items())}
