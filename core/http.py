"""What the middleware stack adds to a request, for type checking views."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request after django-htmx's middleware: `request.htmx` is truthy when htmx sent it."""

    htmx: HtmxDetails
