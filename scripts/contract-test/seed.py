#!/usr/bin/env python3
"""Give a fresh classbridge a small school before the contract test, so that its reads answer with data.

Through the partner API only (standard library, no client package): mirrors one branch (two classes, three
sections, two subjects, two teachers, six students), waits for the job to succeed, then makes a group and a
hand-made classroom. Prints what it made; exits 1 with the server's answer at the first call that fails.

Usage: seed.py --base-url http://127.0.0.1:PORT --token cbp_... [--referer http://localhost]
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request


def person(uuid, name):
    return {"uuid": uuid, "name": name}


SCHOOL = {
    "branches": [
        {
            "id": 1,
            "name": "North School",
            "classes": [
                {
                    "id": 10,
                    "name": "Grade 5",
                    "sections": [
                        {
                            "name": "A",
                            "subjects": [
                                {"id": 1, "name": "Physics", "teachers": [person("t1", "Karim Nassar")]},
                                {"id": 2, "name": "Chemistry", "teachers": [person("t2", "Lina Haddad")]},
                            ],
                            "students": [person("s1", "Sara Aziz"), person("s2", "Omar Khalil")],
                        },
                        {
                            "name": "B",
                            "subjects": [{"id": 1, "name": "Physics", "teachers": [person("t1", "Karim Nassar")]}],
                            "students": [person("s3", "Maya Saleh"), person("s4", "Yusuf Amin")],
                        },
                    ],
                },
                {
                    "id": 11,
                    "name": "Grade 6",
                    "sections": [
                        {
                            "name": "A",
                            "subjects": [{"id": 2, "name": "Chemistry", "teachers": [person("t2", "Lina Haddad")]}],
                            "students": [person("s5", "Huda Karam"), person("s6", "Ali Mansour")],
                        }
                    ],
                },
            ],
        }
    ]
}


class Failed(Exception):
    pass


def call(args, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(args.base_url.rstrip("/") + path, data=data, method=method)
    request.add_header("token", args.token)
    request.add_header("referer", args.referer)
    request.add_header("accept", "application/json")
    if data is not None:
        request.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise Failed("%s %s answered %s: %s" % (method, path, error.code, error.read().decode(errors="replace")))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--referer", default="http://localhost")
    args = parser.parse_args()
    try:
        status, answer = call(args, "POST", "/api/v2/mirror-data/branches", SCHOOL)
        job = answer["job_id"]
        for _ in range(300):
            _, answer = call(args, "GET", "/api/v2/mirror-data/jobs/%s" % job)
            if answer.get("status") not in ("queued", "running"):
                break
            time.sleep(0.1)
        if answer.get("status") != "succeeded":
            raise Failed("the mirror job ended %r: %s" % (answer.get("status"), json.dumps(answer)))
        _, users = call(args, "GET", "/users?per_page=100")
        _, group = call(args, "POST", "/groups", {"name": "Science club", "users": [users["data"][0]["id"]]})
        _, classroom = call(args, "POST", "/classrooms", {"name": "Robotics"})
    except (Failed, KeyError, IndexError, TypeError) as error:
        print("seed: FAILED: %s" % error, file=sys.stderr)
        return 1
    print(
        "seed: mirrored job %s (%d users), group %s, classroom %s"
        % (job, users["meta"]["total"], group.get("id"), classroom.get("id"))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
