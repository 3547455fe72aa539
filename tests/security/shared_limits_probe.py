"""Run by tests/security/test_shared_limits.py as a process of its own (like one gunicorn
worker): counts API throttle hits or login failures through the app's settings and prints
what it saw as JSON. Usage: `python -m tests.security.shared_limits_probe throttle USER_ID N`,
`... fail USERNAME N`, `... locked USERNAME`."""

import json
import sys

import django


def main(argv: list[str]) -> object:
    django.setup()
    from axes.handlers.proxy import AxesProxyHandler
    from django.contrib.auth.models import User
    from django.test import RequestFactory
    from rest_framework.request import Request
    from rest_framework.throttling import ScopedRateThrottle
    from rest_framework.views import APIView

    class DecisionApi(APIView):
        # as reviews.api's decision views are throttled (importing them loads the classifier)
        throttle_classes = [ScopedRateThrottle]
        throttle_scope = "decisions"

    command = argv[0]
    if command == "throttle":
        view = DecisionApi()
        request = Request(RequestFactory().post("/api/v1/candidates/1/approve/"))
        request.user = User(pk=int(argv[1]), username=f"user-{argv[1]}")  # unsaved: no database
        throttles = view.get_throttles()
        return [all(t.allow_request(request, view) for t in throttles) for _ in range(int(argv[2]))]
    login = RequestFactory().post("/login/", REMOTE_ADDR="203.0.113.9")
    credentials = {"username": argv[1]}
    if command == "fail":
        for _ in range(int(argv[2])):
            AxesProxyHandler.user_login_failed(sender=None, credentials=credentials, request=login)
        return AxesProxyHandler.is_locked(login, credentials)
    if command == "locked":
        return AxesProxyHandler.is_locked(login, credentials)
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
