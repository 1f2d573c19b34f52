#!/usr/bin/env python3
"""Drive classbridge's ClassIn API v2 (LMS) with an unmodified public ClassIn Python SDK.

Flow (ClassIn's own guide for a new integration): register (teacher, student) -> addTeacher ->
addSchoolStudent -> addCourse (v1) -> /lms/unit/create -> /lms/activity/createClass ->
/lms/activity/addStudent (v2, header-signed JSON).

The SDK is the PyPI package `eeo-py-sdk` 0.2.0 (import name `eeo`), whose v2 calls sign with
X-EEO-SIGN / X-EEO-UID / X-EEO-TS. The only change from talking to ClassIn is the SDK's own
`domain` argument (the base URL); no monkeypatching.

Usage:
  python check_v2.py --base-url http://127.0.0.1:18080 --sid SID --secret SECRET
  (or env CLASSIN_BASE_URL, CLASSIN_SID, CLASSIN_SECRET)
Exit code: 0 when every step succeeds with the expected data (errno 1 for v1, code 1 for v2), 1 otherwise.
"""

import argparse
import json
import os
import random
import sys
import time
from importlib import metadata

import eeo  # from `pip install eeo-py-sdk==0.2.0`


class Failed(Exception):
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", default=os.environ.get("CLASSIN_BASE_URL", "http://127.0.0.1:8080"))
    ap.add_argument("--sid", default=os.environ.get("CLASSIN_SID"))
    ap.add_argument("--secret", default=os.environ.get("CLASSIN_SECRET"))
    args = ap.parse_args()
    if not args.sid or not args.secret:
        ap.error("--sid and --secret (or CLASSIN_SID / CLASSIN_SECRET) are required")
    base_url = args.base_url.rstrip("/")
    sid = int(args.sid) if args.sid.isdigit() else args.sid
    print("SDK: eeo-py-sdk %s, base URL: %s, SID: %s" % (metadata.version("eeo-py-sdk"), base_url, sid))
    api = eeo.ClassInAPI(school_uid=sid, school_secret=args.secret, domain=base_url)
    last = {}
    api.session.hooks["response"].append(lambda resp, *a, **kw: last.__setitem__("resp", resp) or resp)

    def step(name, call, expect, v2=False):
        last.clear()
        try:
            answer, error = call(), None
        except Exception as exc:
            answer, error = None, "SDK raised %s: %s" % (type(exc).__name__, exc)
        if error is None:
            if not isinstance(answer, dict):
                error = "answer is not a JSON object"
            else:
                code = answer.get("code") if v2 else (answer.get("error_info") or {}).get("errno")
                if code != 1:
                    error = "%s %r, expected 1" % ("code" if v2 else "errno", code)
                elif not expect(answer.get("data")):
                    error = "unexpected data %r" % (answer.get("data"),)
        print("%-28s %s" % (name, json.dumps(answer, ensure_ascii=False) if answer is not None else "-"))
        if error:
            resp = last.get("resp")
            print("FAILED %s: %s" % (name, error))
            if resp is not None:
                print("  request : POST %s" % resp.request.url)
                print("  headers : %s" % {k: v for k, v in resp.request.headers.items() if k.startswith("X-EEO")})
                print("  body    : %s" % (resp.request.body,))
                print("  response: HTTP %s %s" % (resp.status_code, resp.text))
            raise Failed(name)
        return answer

    is_int = lambda d: isinstance(d, int) and not isinstance(d, bool) and d > 0
    anything = lambda d: True
    run = "%05d%04d" % (int(time.time()) % 100000, random.randint(0, 9999))
    teacher_phone = "138" + run[:8].rjust(8, "0")
    student_email = "cb-v2-student-%s@example.org" % run
    password = "secret-%s" % run[:6]
    try:
        teacher_uid = step("register (teacher)",
                           lambda: api.register(teacher_phone, password, nickname="V2 Teacher"), is_int)["data"]
        student_uid = step("register (student)",
                           lambda: api.register(student_email, password, nickname="V2 Student"), is_int)["data"]
        step("addTeacher", lambda: api.add_teacher(teacher_phone, "V2 Teacher"), is_int)
        step("addSchoolStudent", lambda: api.add_school_student(student_email, "V2 Student"), anything)
        course_id = step("addCourse",
                         lambda: api.add_course("Python SDK v2 check %s" % run, mainTeacherUid=teacher_uid),
                         is_int)["data"]
        unit = step("/lms/unit/create", lambda: api.create_unit(course_id, "Unit %s" % run[-4:], 2),
                    lambda d: isinstance(d, dict) and is_int(d.get("unitId")), v2=True)["data"]
        begin = int(time.time()) + 10 * 60
        classroom = step("/lms/activity/createClass",
                         lambda: api.create_lms_lesson(course_id, "Classroom 1", teacher_uid, begin, begin + 45 * 60,
                                                       unitId=unit["unitId"], seatNum=7),
                         lambda d: isinstance(d, dict) and is_int(d.get("activityId")) and is_int(d.get("classId")),
                         v2=True)["data"]
        added = step("/lms/activity/addStudent",
                     lambda: api.activity_add_student(course_id, classroom["activityId"], [student_uid]),
                     lambda d: isinstance(d, list) and d and d[0].get("code") == 1, v2=True)
        print("%-28s %s" % ("  classId (a v1 lesson id)", classroom["classId"]))
    except Failed as exc:
        print("RESULT: FAIL at %s" % exc)
        return 1
    finally:
        api.close()
    print("RESULT: OK, all 8 calls succeeded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
