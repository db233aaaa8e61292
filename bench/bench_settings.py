"""Settings for the HTTP benches (pages_bench, load_bench): the product's settings with a bench-only URLconf
(adds /bench/bare/)."""

from govmedia.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
