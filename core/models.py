from django.db import models


class TimestampedModel(models.Model):
    """When a row was first written and last changed in this system (not the evidence's own date)."""

    inserted_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class FailedTask(models.Model):
    """A Celery task that exhausted its retries: kept for an admin to see and retry."""

    task_name = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, db_index=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    exception = models.TextField()
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(auto_now_add=True)
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self) -> str:
        return f"{self.task_name} failed at {self.failed_at:%Y-%m-%d %H:%M}"
