"""Talking to a clinic's API from a local journal: JSON over HTTP(S) with the standard library.

A dropped connection or a clinic answering 5xx is tried again after a pause that doubles each
time (a few tries); then ClinicUnreachable says so in one line. Any other answer that is not a
success is ClinicRefused, with the clinic's own words.
"""

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

TRIES = 4
# The first pause, in seconds; then 2x, 4x... KRATOMLOG_SYNC_BACKOFF shortens it (tests).
FIRST_PAUSE = 1.0
TIMEOUT = 60.0


class ClinicUnreachable(Exception):
    """The clinic could not be reached, or kept failing (5xx), after every try."""


class ClinicRefused(Exception):
    """The clinic answered, and said no (4xx): `status` and its `detail`."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(f"the clinic answered {status}: {_words(detail)}")
        self.status, self.detail = status, detail


def _words(detail: Any) -> str:
    if isinstance(detail, list):  # a 422 names each field
        return "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', [])[1:])}: {item.get('msg')}"
            for item in detail
            if isinstance(item, dict)
        )
    return str(detail)


def first_pause() -> float:
    try:
        return float(os.environ.get("KRATOMLOG_SYNC_BACKOFF", FIRST_PAUSE))
    except ValueError:
        return FIRST_PAUSE


class Clinic:
    def __init__(self, url: str, token: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:  # fmt: skip
        self.url, self.token, self.sleep = url.rstrip("/"), token, sleep

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """The decoded JSON answer of `method path` (path after /api/v1)."""
        data = None if body is None else json.dumps(body, default=str).encode("utf-8")
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        pause, problem = first_pause(), ""
        for attempt in range(TRIES):
            if attempt:
                self.sleep(pause)
                pause *= 2
            request = urllib.request.Request(
                f"{self.url}/api/v1{path}", data=data, headers=headers, method=method
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                    return json.loads(answer.read() or b"null")
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    raise ClinicRefused(error.code, _detail(error)) from None
                problem = f"the clinic answered {error.code}"
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                reason = getattr(error, "reason", error)
                problem = f"no connection to {self.url} ({reason})"
            except json.JSONDecodeError:
                problem = f"{self.url} did not answer as a kratomlog clinic (not JSON)"
                break
        raise ClinicUnreachable(f"{problem}; tried {TRIES} times")


def _detail(error: urllib.error.HTTPError) -> Any:
    try:
        return json.loads(error.read()).get("detail", "")
    except (ValueError, AttributeError, OSError):
        return error.reason
