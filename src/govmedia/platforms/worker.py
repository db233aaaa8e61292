"""`govmedia worker`: one long-running loop claiming due work from our own tables — publications and
replies (the outbox), tamper checks of published items, and the periodic sweeps (`govmedia sweep`)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from typing import Any

from django.db import close_old_connections

from govmedia.web import sweep

from . import services

log = logging.getLogger(__name__)


class Worker:
    def __init__(
        self, name: str = "", poll_seconds: float = 2.0, sweep_seconds: float = 60.0, batch: int = 20
    ) -> None:
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.poll_seconds = poll_seconds
        self.sweep_seconds = sweep_seconds
        self.batch = batch
        self.stopping = False
        self._next_sweep = 0.0

    def run_once(self) -> dict[str, Any]:
        """One round; every part is guarded so a failure is logged and the loop goes on."""
        close_old_connections()
        result: dict[str, Any] = {"deliveries": 0, "checks": 0, "sweeps": None}
        try:
            result["deliveries"] = services.run_due(self.name, self.batch)
        except Exception:
            log.exception("claiming deliveries failed")
        try:
            result["checks"] = services.run_checks(self.batch)
        except Exception:
            log.exception("tamper checks failed")
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + self.sweep_seconds
            try:
                result["sweeps"] = sweep.run_all()
            except Exception:
                log.exception("sweep failed")
        return result

    def stop(self, *_: Any) -> None:
        self.stopping = True

    def run_forever(self, max_rounds: int | None = None) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        rounds = 0
        while not self.stopping and (max_rounds is None or rounds < max_rounds):
            result = self.run_once()
            rounds += 1
            if not result["deliveries"] and not result["checks"]:
                deadline = time.monotonic() + self.poll_seconds
                while not self.stopping and time.monotonic() < deadline:
                    time.sleep(0.2)
