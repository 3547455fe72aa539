"""Webhook signatures (docs/handoff.md, "Verifying a delivery").

The signature is HMAC-SHA256, keyed with the endpoint's secret, over the timestamp, a
dot and the raw body: `hex(hmac(secret, f"{timestamp}." + body))`. Binding the
timestamp into the signature is what makes the replay window enforceable: a receiver
rejects a timestamp older than REPLAY_WINDOW_SECONDS, and an attacker cannot refresh it
without the secret.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Expansion-Signature"
TIMESTAMP_HEADER = "X-Expansion-Timestamp"
KEY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Expansion-Event"
REPLAY_WINDOW_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    now: float | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is within the window."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - ts) > window:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature or "")
