"""The project's URLconf, unchanged, plus `/bench/bare`: the floor of the load benchmark.

`/bench/bare` goes through the whole middleware stack like any page but does no work of
its own (no database, no template): what any request to this server costs at least.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as project


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/bare", bare, name="bench-bare"), *project.urlpatterns]

handler500 = project.handler500
handler404 = project.handler404
handler400 = project.handler400
