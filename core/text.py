"""Small text helpers shared by the engine and the summaries."""


def excerpt(text: str, limit: int) -> str:
    """`text` on one line (whitespace collapsed), cut to `limit` characters with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
