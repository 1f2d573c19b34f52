#!/usr/bin/env python3
"""Drive classbridge's ClassIn API v1 with an unmodified public ClassIn Python SDK.

Flow: register (teacher, student) -> addTeacher -> addSchoolStudent -> addCourse
      -> addCourseStudent -> addCourseClass -> getLoginLinked (teacher, student).

The SDK is the PyPI package `eeo-py-sdk` (import name `eeo`); the package `eeo` 2.0.0
has the same class and the same method signatures for this flow and works too.
The only change from talking to ClassIn is the SDK's own `domain` argument
(the base URL); no monkeypatching.

Usage:
  python check.py --base-url http://127.0.0.1:18080 --sid SID --secret SECRET
  (or env CLASSIN_BASE_URL, CLASSIN_SID, CLASSIN_SECRET)
Exit code: 0 when every step answers errno 1 with the expected data, 1 otherwise.
"""

import argparse
import json
import os
import random
import sys
import time
from importlib import metadata

import eeo  # from `pip install eeo-py-sdk` (or `pip install eeo`)


def sdk_version():
    for dist in ("eeo-py-sdk", "eeo"):
        try:
            return "%s %s" % (dist, metadata.version(dist))
        except metadata.PackageNotFoundError:
            pass
    return "unknown"


class Failed(Exception):
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", default=os.environ.get("CLASSIN_BASE_URL", "http://127.0.0.1:8080"))
    ap.add_argument("--sid", default=os.environ.get("CLASSIN_SID"))
    ap.add_argument("--secret", default=os.environ.get("CLASSIN_SECRET"))
    ap.add_argument("-v", "--verbose", action="store_true", help="also print each request's form body")
    args = ap.parse_args()
    if not args.sid or not args.secret:
        ap.error("--sid and --secret (or CLASSIN_SID / CLASSIN_SECRET) are required")

    base_url = args.base_url.rstrip("/")  # `eeo` 2.0.0 does not strip a trailing slash itself
    sid = int(args.sid) if args.sid.isdigit() else args.sid
    print("SDK: %s, base URL: %s, SID: %s" % (sdk_version(), base_url, sid))

    # The one change: point the SDK at classbridge instead of https://api.eeo.cn.
    api = eeo.ClassInAPI(school_uid=sid, school_secret=args.secret, domain=base_url)

    # Remember the last exchange so that a failure can show exactly what was sent and answered.
    last = {}

    def remember(resp, *a, **kw):
        last["resp"] = resp
        return resp

    api.session.hooks["response"].append(remember)

    def step(name, call, expect, expected_errno=1):
        """Run one SDK call; require errno `expected_errno` (1 unless said) and data of the expected kind."""
        last.clear()
        try:
            answer = call()
        except Exception as exc:  # the SDKs raise on HTTP errors / transport failures
            answer = None
            error = "SDK raised %s: %s" % (type(exc).__name__, exc)
        else:
            error = None
        resp = last.get("resp")
        if args.verbose and resp is not None:
            print("  > POST %s\n  > %s" % (resp.request.url, resp.request.body))
        if error is None:
            if not isinstance(answer, dict):
                error = "answer is not a JSON object"
            else:
                errno = (answer.get("error_info") or {}).get("errno")
                if errno != expected_errno:
                    error = "errno %r, expected %r" % (errno, expected_errno)
                elif not expect(answer.get("data")):
                    error = "unexpected data %r" % (answer.get("data"),)
        print("%-28s %s" % (name, json.dumps(answer, ensure_ascii=False) if answer is not None else "-"))
        if error:
            print("FAILED %s: %s" % (name, error))
            if resp is not None:
                print("  request : POST %s" % resp.request.url)
                print("  headers : Content-Type: %s" % resp.request.headers.get("Content-Type"))
                print("  body    : %s" % (resp.request.body,))
                print("  response: HTTP %s %s" % (resp.status_code, resp.text))
            raise Failed(name)
        return answer

    is_int = lambda d: isinstance(d, int) and not isinstance(d, bool) and d > 0
    anything = lambda d: True

    run = "%05d%04d" % (int(time.time()) % 100000, random.randint(0, 9999))
    teacher_phone = "139" + run[:8].rjust(8, "0")          # 11-digit mainland number
    student_email = "cb-check-student-%s@example.org" % run  # e-mail account
    password = "secret-%s" % run[:6]

    try:
        t = step("register (teacher)",
                 lambda: api.register(teacher_phone, password, nickname="Check Teacher %s" % run[-4:]), is_int)
        teacher_uid = t["data"]
        s = step("register (student)",
                 lambda: api.register(student_email, password, nickname="Check Student %s" % run[-4:]), is_int)
        student_uid = s["data"]

        step("addTeacher", lambda: api.add_teacher(teacher_phone, "Check Teacher"), is_int)
        step("addSchoolStudent", lambda: api.add_school_student(student_email, "Check Student"), anything)

        course_key = "check-course-%s" % run
        add_course = lambda: api.add_course("Python SDK check %s" % run, mainTeacherUid=teacher_uid,
                                            expiryTime=int(time.time()) + 30 * 86400,
                                            courseUniqueIdentity=course_key)
        c = step("addCourse", add_course, is_int)
        course_id = c["data"]
        # A retried creation with the same courseUniqueIdentity answers 398 with the first course's id.
        step("addCourse (retried)", add_course, lambda d: d == course_id, expected_errno=398)

        step("addCourseStudent", lambda: api.add_course_student(course_id, student_uid, identity=1), anything)

        begin = int(time.time()) + 10 * 60  # >= now + 2 min
        end = begin + 45 * 60                # >= 15 min long
        lesson_key = "check-lesson-%s" % run
        add_lesson = lambda: api.add_course_class(course_id, "Lesson 1", teacher_uid, begin, end, seatNum=6,
                                                  courseUniqueIdentity=lesson_key)
        cl = step("addCourseClass", add_lesson, is_int)
        class_id = cl["data"]
        step("addCourseClass (retried)", add_lesson, lambda d: d == class_id, expected_errno=398)
        live_url = (cl.get("more_data") or {}).get("live_url")
        print("%-28s %s" % ("  more_data.live_url", live_url))

        is_link = lambda d: isinstance(d, str) and len(d) > 0
        step("getLoginLinked (teacher)",
             lambda: api.get_login_linked(teacher_uid, course_id, class_id, deviceType=1, lifeTime=3600), is_link)
        step("getLoginLinked (student)",
             lambda: api.get_login_linked(student_uid, course_id, class_id, deviceType=1, lifeTime=3600), is_link)
    except Failed as exc:
        print("RESULT: FAIL at %s" % exc)
        return 1
    finally:
        api.close()
    print("RESULT: OK, all 11 calls answered as expected (errno 1; 398 with the first id for the two retries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
