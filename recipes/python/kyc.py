# kyc.py: the three jobs' shared parts, Python 3.8+ standard library only.
# exchange.py, follow_feed.py and verify_webhook.py import it (docs/servers.md).
import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT_SECONDS = 30
TOLERANCE_SECONDS = 5 * 60


class KycError(Exception):
    """A call that failed: the Worker's error code, or one found here."""

    def __init__(self, code, message, status=None, request_id=None, retry_after=None):
        super().__init__(message)
        self.code = code
        self.status = status
        self.request_id = request_id
        self.retry_after = retry_after


class CannotRun(Exception):
    """A setting is missing or unsafe: nothing was sent."""


def endpoint():
    """PAYPAY_KYC_ENDPOINT: https, or http only to this machine (wrangler dev)."""
    value = os.environ.get("PAYPAY_KYC_ENDPOINT", "").strip().rstrip("/")
    url = urllib.parse.urlsplit(value)
    if url.scheme not in ("https", "http") or not url.hostname:
        raise CannotRun("PAYPAY_KYC_ENDPOINT must be the Worker's URL, e.g. https://kyc.example.com")
    if url.username or url.password or url.query or url.fragment:
        raise CannotRun("PAYPAY_KYC_ENDPOINT takes no credentials, query or fragment")
    if url.scheme == "http" and not is_loopback(url.hostname):
        # Every call carries the bearer, which plain http shows to anyone on the way.
        raise CannotRun(f"PAYPAY_KYC_ENDPOINT is plain http to {url.hostname}: use https")
    return value


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token():
    """MERCHANT_API_TOKEN, from the environment only: never an argument, never printed."""
    value = os.environ.get("MERCHANT_API_TOKEN", "").strip()
    if not value:
        raise CannotRun("MERCHANT_API_TOKEN is not set")
    return value


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A bearer never follows a redirect: a 3xx comes back as an answer, not followed.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def call(method, path, body=None, expected=200):
    """One bearer call to the Worker: its JSON answer, or a KycError."""
    headers = {"Authorization": f"Bearer {token()}", "Accept": "application/json"}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    request = urllib.request.Request(endpoint() + path, data=data, method=method, headers=headers)
    where = f"{method} {path.split('?')[0]}"
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
            status, text, head = answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as answer:
        status, text, head = answer.code, answer.read(), answer.headers
    except (urllib.error.URLError, OSError) as error:
        timed_out = "timed out" in str(error)
        raise KycError("TIMEOUT" if timed_out else "NETWORK_ERROR",
                       f"{where}: the Worker could not be reached") from None
    request_id = head.get("X-Request-Id")
    retry_after = head.get("Retry-After", "")
    retry_after = int(retry_after) if retry_after.strip().isdigit() else None
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if status == expected and isinstance(parsed, dict):
        return parsed
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if status >= 400 and isinstance(error, dict) and isinstance(error.get("code"), str):
        raise KycError(error["code"], f"{where}: {status} {error['code']}: {error.get('message', '')}",
                       status, error.get("requestId") or request_id, retry_after)
    raise KycError("INVALID_RESPONSE", f"{where}: answered {status} with something not our JSON",
                   status, request_id, retry_after)


def print_json(value):
    """One JSON document on one line of stdout, flushed (a pipe sees it at once)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


# --- Standard Webhooks: the check of a forwarded event -------------------------

try:
    # The official library (pip install standardwebhooks), when it is installed.
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError
except ImportError:
    Webhook = None
VERIFIER = "standardwebhooks (official)" if Webhook else "standard-library fallback"


class Refused(Exception):
    """A forwarded event not to trust: `status` 400 (malformed) or 401 (not ours)."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code


def secret_bytes(secret):
    """MERCHANT_WEBHOOK_SECRET, `whsec_` + base64, as the HMAC key's bytes."""
    text = (secret or "").strip()
    text = text[6:] if text.startswith("whsec_") else text
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise CannotRun("MERCHANT_WEBHOOK_SECRET must be whsec_ followed by base64")
    return key


def verify_event(body, headers, secret, now=None):
    """The feed event a forwarded request carries, or Refused. `body` is the raw bytes."""
    lower = {k.lower(): v.strip() for k, v in headers.items()}
    msg_id = lower.get("webhook-id", "")
    stamp = lower.get("webhook-timestamp", "")
    # A repeated header arrives joined with ", ": the comma is not part of the base64.
    signatures = [s.rstrip(",") for s in lower.get("webhook-signature", "").split()]
    signatures = [s for s in signatures if "," in s]
    if not msg_id or not stamp or not signatures:
        raise Refused(400, "MISSING_HEADERS", "webhook-id, webhook-timestamp and webhook-signature are required")
    if not stamp.isdigit() or len(stamp) > 15:
        raise Refused(400, "INVALID_TIMESTAMP", "webhook-timestamp is not Unix seconds")
    now = int(time.time()) if now is None else now
    if int(stamp) < now - TOLERANCE_SECONDS:
        raise Refused(401, "TIMESTAMP_TOO_OLD", "webhook-timestamp is more than 5 minutes old")
    if int(stamp) > now + TOLERANCE_SECONDS:
        raise Refused(401, "TIMESTAMP_TOO_NEW", "webhook-timestamp is more than 5 minutes ahead")
    if Webhook is not None:
        try:
            Webhook(secret_bytes(secret)).verify(body, {"webhook-id": msg_id, "webhook-timestamp": stamp,
                                                        "webhook-signature": " ".join(signatures)})
        except (WebhookVerificationError, ValueError, binascii.Error):
            raise Refused(401, "INVALID_SIGNATURE", "No v1 signature matches this body and secret") from None
    elif not signature_matches(secret_bytes(secret), msg_id, stamp, body, signatures):
        raise Refused(401, "INVALID_SIGNATURE", "No v1 signature matches this body and secret")
    try:
        event = json.loads(body.decode("utf-8"))["data"]
        if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Refused(400, "INVALID_PAYLOAD", "The signed body is not a forwarded event") from None
    return event


def signature_matches(key, msg_id, stamp, body, signatures):
    """The fallback: HMAC-SHA256 over "<id>.<timestamp>.<body>", any v1 entry, constant time."""
    expected = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    matched = False
    for entry in signatures:
        version, _, value = entry.partition(",")
        try:
            candidate = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        # Every entry is compared, each in constant time: no early exit to time.
        if version == "v1" and hmac.compare_digest(candidate, expected):
            matched = True
    return matched
