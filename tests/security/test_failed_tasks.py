import pytest
from celery import shared_task
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from core.models import FailedTask

pytestmark = pytest.mark.django_db


@shared_task(
    name="tests.always_fails", autoretry_for=(ValueError,), max_retries=2, retry_backoff=False, default_retry_delay=0
)
def always_fails(account_id: int) -> None:
    raise ValueError(f"cannot score {account_id}")


def test_a_task_that_exhausts_its_retries_lands_in_admin(client: Client, admin_user: User, settings: Settings) -> None:
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    from config.celery import app

    app.conf.task_eager_propagates = False
    try:
        always_fails.delay(7)
    finally:
        app.conf.task_eager_propagates = True
    failed = FailedTask.objects.get()
    assert failed.task_name == "tests.always_fails"
    assert failed.args == [7]
    assert "cannot score 7" in failed.exception

    client.force_login(admin_user)
    page = client.get("/admin/core/failedtask/").content.decode()
    assert "tests.always_fails" in page
