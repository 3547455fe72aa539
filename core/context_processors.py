from django.http import HttpRequest

from core.roles import is_admin, is_leader


def roles(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {"is_leader": is_leader(user), "is_admin": is_admin(user)}
