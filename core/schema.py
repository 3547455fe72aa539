"""OpenAPI post-processing: every operation documents the error answers it can give."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` says what went wrong; validation errors name each field.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input; nothing was changed.",
    "401": "Not authenticated: send `Authorization: Token …`.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "Not found, or not yours to see (including an out-of-range page).",
    "429": "Too many requests; retry later.",
    "503": "The database is unavailable; nothing was saved.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, text in ERRORS.items():
                responses.setdefault(code, {"description": text, "content": {"application/json": {"schema": ref}}})
            if method == "post" and "/candidates/" in path:
                responses.setdefault(
                    "409",
                    {
                        "description": "Someone changed the candidate first; the body carries its current state.",
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
