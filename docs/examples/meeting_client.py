#!/usr/bin/env python3
"""Send one meeting sheet to union-ledger, safely retried on a flaky connection.

Usage:  UNION_LEDGER_URL=http://127.0.0.1:8000 UNION_LEDGER_KEY=ul_... \
        python3 meeting_client.py GROUP_ID sheet.json

sheet.json: {"held_on": "2026-11-16", "attendance": [member ids],
             "entries": [{"type": "share_purchase", "member_id": "...", "shares": 3}, ...]}

The Idempotency-Key is derived from the sheet itself, so sending the same sheet again
(after a timeout, or twice by mistake) returns the first answer and books nothing new.
Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any

ATTEMPTS = 5


def post(url: str, key: str, body: dict[str, Any], idempotency_key: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                 "Idempotency-Key": idempotency_key},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def send_meeting(base: str, key: str, group_id: str, sheet: dict[str, Any]) -> Any:
    canonical = json.dumps({"group": group_id, "sheet": sheet}, sort_keys=True)
    idempotency_key = "meeting-" + hashlib.sha256(canonical.encode()).hexdigest()[:32]
    url = f"{base}/v1/groups/{group_id}/meetings"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            status, answer = post(url, key, sheet, idempotency_key)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            print(f"attempt {attempt}: {error}; retrying with the same key", file=sys.stderr)
            time.sleep(2**attempt)
            continue
        if status >= 500:
            time.sleep(2**attempt)
            continue
        if status >= 400:  # a refusal: nothing was booked; the body says what to fix
            print(f"refused ({answer.get('code')}): {answer.get('detail')}", file=sys.stderr)
            if "entry_index" in answer:
                print(f"  fix entry {answer['entry_index']} of the sheet", file=sys.stderr)
            return None
        return answer
    raise SystemExit("the server did not answer; run again later: nothing is booked twice")


if __name__ == "__main__":
    base_url = os.environ.get("UNION_LEDGER_URL", "http://127.0.0.1:8000")
    with open(sys.argv[2], encoding="utf-8") as sheet_file:
        result = send_meeting(base_url, os.environ["UNION_LEDGER_KEY"], sys.argv[1],
                              json.load(sheet_file))
    print(json.dumps(result, indent=2))
