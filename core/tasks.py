"""Where tasks that exhaust their retries end up: a FailedTask row an admin sees."""

import json
import logging
from typing import Any

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return repr(value)


def record_task_failure(
    sender: Any = None,
    task_id: str = "",
    exception: BaseException | None = None,
    args: Any = None,
    kwargs: Any = None,
    einfo: Any = None,
    **extra: Any,
) -> None:
    """Celery's task_failure signal: sent once a task fails for good (retries exhausted)."""
    from core.models import FailedTask

    try:
        FailedTask.objects.create(
            task_name=getattr(sender, "name", str(sender)),
            task_id=task_id or "",
            args=_jsonable(list(args or [])),
            kwargs=_jsonable(dict(kwargs or {})),
            exception=repr(exception)[:2000],
            traceback=str(einfo or "")[:20000],
        )
    except Exception:  # the database may be what failed; the log still has it
        logger.exception("could not record the failure of task %s %s", sender, task_id)
