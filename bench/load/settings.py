"""The project's own settings (config.settings.base, read from the environment as
always), with one change: the URLconf adds the benchmark's bare view (bench/load/urls.py).
Nothing else differs from what `config.wsgi` serves."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
