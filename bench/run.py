"""`make bench`: run every bench in turn — compliance, pages, load, then any other bench/*_bench.py — each
printing its own table. Every bench runs even when an earlier one fails; exit 1 if any failed or missed its
target."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["compliance_bench.py", "pages_bench.py", "load_bench.py"]


def scripts() -> list[Path]:
    found = {p.name: p for p in HERE.glob("*_bench.py")}
    return [found.pop(name) for name in ORDER if name in found] + sorted(found.values())


def main() -> int:
    failed = []
    for script in scripts():
        print(f"== {script.name}", flush=True)
        done = subprocess.run([sys.executable, str(script)], check=False)
        if done.returncode:
            print(f"== {script.name}: exit {done.returncode}", flush=True)
            failed.append(script.name)
    if failed:
        print(f"targets missed or errors in: {', '.join(failed)}")
        return 1
    print("all benches passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
