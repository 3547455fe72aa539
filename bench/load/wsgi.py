"""WSGI entry point of the load benchmark: the project with bench/load/settings.py
(the project's settings plus the `/bench/bare` floor view). Project files are unchanged."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load.settings"
application = get_wsgi_application()
