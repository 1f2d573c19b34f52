"""Schemathesis hooks of the contract test: sign the ClassIn requests the way ClassIn's clients do, so that the
generated calls reach the actions' own validation rather than stopping at the signature check.

v1 (`/partner/api/course.api.php?action=…`): a body that has the `SID`, `timeStamp` and `safeKey` fields gets the
quickstart's SID, the current time and safeKey = md5(SECRET + timeStamp). v2 (`/lms/…`): `X-EEO-UID`, `X-EEO-TS` and
`X-EEO-SIGN` = md5 of the body's top-level strings and numbers (up to 1024 bytes) with `sid` and `timeStamp`, sorted
by name, joined `k=v&…&key=SECRET`. Requests generated without those fields (negative cases) are left unsigned.

Reads CONTRACT_CLASSIN_SID and CONTRACT_CLASSIN_SECRET; without them it changes nothing.
"""

import hashlib
import json
import os
import time

import schemathesis

SID = os.environ.get("CONTRACT_CLASSIN_SID", "")
SECRET = os.environ.get("CONTRACT_CLASSIN_SECRET", "")
V1_FIELDS = ("SID", "timeStamp", "safeKey")
V2_HEADERS = ("X-EEO-SIGN", "X-EEO-UID", "X-EEO-TS")


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def signed_text(value):
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return None
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text.encode()) <= 1024 else None


def v2_signature(body, time_stamp):
    pairs = {}
    if isinstance(body, dict):
        for name, value in body.items():
            text = signed_text(value)
            if text is not None and name not in ("sid", "timeStamp"):
                pairs[name] = text
    pairs["sid"] = SID
    pairs["timeStamp"] = time_stamp
    joined = "&".join("%s=%s" % (name, pairs[name]) for name in sorted(pairs))
    return md5("%s&key=%s" % (joined, SECRET))


@schemathesis.hook
def before_call(context, case, **kwargs):
    if not SID or not SECRET:
        return
    time_stamp = str(int(time.time()))
    body = case.body
    if isinstance(body, dict) and all(field in body for field in V1_FIELDS):
        body["SID"] = SID
        body["timeStamp"] = time_stamp
        body["safeKey"] = md5(SECRET + time_stamp)
    headers = case.headers if case.headers is not None else {}
    present = {name.lower(): name for name in headers}
    if all(name.lower() in present for name in V2_HEADERS):
        headers[present["x-eeo-uid"]] = SID
        headers[present["x-eeo-ts"]] = time_stamp
        headers[present["x-eeo-sign"]] = v2_signature(body, time_stamp)
