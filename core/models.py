from django.db import models


class TimestampedModel(models.Model):
    """When a row was first written and last changed in this system (not the evidence's own date)."""

    inserted_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True
