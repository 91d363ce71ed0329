"""The portal's settings with the benchmark's URLconf: what bench/load.py's gunicorn runs."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
