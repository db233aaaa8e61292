"""Settings for pages_bench only: the product's settings with a bench-only URLconf (adds /bench/bare/)."""

from govmedia.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
