"""`govmedia sweep`: each app registers the periodic work that marks overdue items and sends reminders.
Every sweeper must be idempotent: running it twice in a row does nothing the second time."""

from collections.abc import Callable

Sweeper = Callable[[], int]
_SWEEPERS: dict[str, Sweeper] = {}
_LAST: set[str] = set()


def sweeper(name: str, *, last: bool = False) -> Callable[[Sweeper], Sweeper]:
    """`last=True`: run after every other sweeper (the notices, which read what the others marked)."""

    def register(fn: Sweeper) -> Sweeper:
        _SWEEPERS[name] = fn
        if last:
            _LAST.add(name)
        return fn

    return register


def run_all() -> dict[str, int]:
    order = sorted(_SWEEPERS, key=lambda name: (name in _LAST, name))
    return {name: _SWEEPERS[name]() for name in order}
