#!/usr/bin/env python3
"""A partner's first integration, written with a client generated from classbridge's /openapi.json.

Every API call goes through the generated package's typed operation functions and its models (built with their
constructors, read as attributes): mirror a small school (`POST /api/v2/mirror-data/branches`), poll its job until
it ends, list the users and read one, ask a sign-in link for a student (`POST /api/v2/mirror-data/sso-token`), then
open the link with plain HTTP as a browser would and check that it lands on the student's signed-in home page (and
works only once). The client is made with `raise_on_unexpected_status`, so an answer whose status the document does
not list fails the run.

The operations are found by method and path in the same document the client was generated from, so a renamed
operationId does not break the flow; an operation, body or answer the document does not type fails with the reason.

Usage: flow.py --client-dir DIR --package NAME --document openapi.json --base-url URL --token TOKEN --referer URL
"""

import argparse
import http.cookiejar
import importlib
import json
import pkgutil
import re
import sys
import time
import urllib.error
import urllib.request

STUDENT = {"uuid": "gc-s1", "name": "Rana Sabbagh"}


class Failed(Exception):
    pass


class Generated:
    """The generated package, and its operation modules found by method and path through the document."""

    def __init__(self, package, document):
        self.package = package
        self.name = package.__name__
        self.document = document
        self.modules = {}
        api = importlib.import_module(self.name + ".api")
        for tag in pkgutil.iter_modules(api.__path__):
            tag_package = importlib.import_module("%s.api.%s" % (self.name, tag.name))
            for operation in pkgutil.iter_modules(tag_package.__path__):
                name = "%s.api.%s.%s" % (self.name, tag.name, operation.name)
                with open(operation.module_finder.find_spec(name.rsplit(".", 1)[1]).origin, encoding="utf-8") as file:
                    source = file.read()
                # Each generated module names its request's method and URL in `_get_kwargs`.
                method = re.search(r'^\s*"method": "(\w+)",', source, flags=re.M)
                url = re.search(r'^\s*"url": f?"([^"]*)"', source, flags=re.M)
                if method and url:
                    self.modules[(method.group(1), url.group(1))] = name

    def operation(self, method, path):
        item = self.document.get("paths", {}).get(path, {}).get(method.lower())
        if item is None:
            raise Failed("the document has no operation %s %s" % (method, path))
        if (method.lower(), path) not in self.modules:
            raise Failed(
                "the generated client has no function for %s %s (operationId %r): the generator left it out"
                % (method, path, item.get("operationId"))
            )
        return importlib.import_module(self.modules[(method.lower(), path)]), item

    def model(self, name, why):
        models = importlib.import_module(self.name + ".models")
        if not hasattr(models, name):
            raise Failed("the generated client has no model %s (%s): the document does not type it" % (name, why))
        return getattr(models, name)


def typed(response, what, *statuses):
    """The parsed answer of a generated call, after checking its status and that it was parsed into a model."""
    if int(response.status_code) not in statuses:
        raise Failed(
            "%s answered %s (expected %s): %s"
            % (what, int(response.status_code), "/".join(map(str, statuses)), response.content.decode(errors="replace"))
        )
    parsed = response.parsed
    if parsed is None or isinstance(parsed, (dict, list, str, bytes)):
        raise Failed(
            "%s answered %s, but the generated client could not read it as a model (the document gives its %s "
            "answer no schema): %s" % (what, int(response.status_code), int(response.status_code), response.content[:300])
        )
    return parsed


def require_body(module, method, path, item):
    if "requestBody" not in item:
        raise Failed("the document gives %s %s no request body, so the generated client cannot send one" % (method, path))


def mirror(generated, client):
    method, path = "POST", "/api/v2/mirror-data/branches"
    module, item = generated.operation(method, path)
    require_body(module, method, path, item)
    branches = generated.model("MirrorBranchesBody", "the mirror's request body")
    branch = generated.model("MirrorBranchBody", "a branch of the mirror")
    grade = generated.model("MirrorClassBody", "a class of a mirrored branch")
    section = generated.model("MirrorSectionBody", "a section of a mirrored class")
    subject = generated.model("MirrorSubjectBody", "a subject of a mirrored section")
    person = generated.model("MirrorPersonBody", "a mirrored student or teacher")
    body = branches(
        branches=[
            branch(
                id=1,
                name="Jasmine School",
                classes=[
                    grade(
                        id=7,
                        name="Grade 7",
                        sections=[
                            section(
                                name="A",
                                subjects=[
                                    subject(id=3, name="Biology", teachers=[person(uuid="gc-t1", name="Nadia Fares")])
                                ],
                                students=[
                                    person(uuid=STUDENT["uuid"], name=STUDENT["name"]),
                                    person(uuid="gc-s2", name="Karam Haddad"),
                                ],
                            )
                        ],
                    )
                ],
            )
        ]
    )
    accepted = typed(module.sync_detailed(client=client, body=body), "%s %s" % (method, path), 202)
    print("mirror: %s %s -> 202, job %s (%s)" % (method, path, accepted.job_id, type(accepted).__name__))
    return accepted.job_id


def wait_for_job(generated, client, job_id):
    method, path = "GET", "/api/v2/mirror-data/jobs/{job_id}"
    module, _ = generated.operation(method, path)
    job = None
    for _ in range(300):
        job = typed(module.sync_detailed(job_id=job_id, client=client), "GET /api/v2/mirror-data/jobs/%s" % job_id, 200)
        if str(job.status) not in ("queued", "running"):
            break
        time.sleep(0.1)
    if str(job.status) != "succeeded":
        raise Failed("the mirror job ended %s: %s" % (job.status, json.dumps(job.to_dict(), default=str)))
    print("job: %s %s (%s), counts %s" % (job.id, job.status, type(job).__name__, json.dumps(job.counts.to_dict())))


def find_student(generated, client):
    module, _ = generated.operation("GET", "/users")
    page = typed(module.sync_detailed(client=client, per_page=100), "GET /users?per_page=100", 200)
    found = [user for user in page.data if user.uuid == STUDENT["uuid"]]
    print("users: %d of %d on page %d (%s)" % (len(page.data), page.meta.total, page.meta.page, type(page).__name__))
    if len(found) != 1:
        raise Failed("GET /users does not list the mirrored student %s" % STUDENT["uuid"])
    module, _ = generated.operation("GET", "/users/{user_id}")
    user = typed(module.sync_detailed(user_id=found[0].id, client=client), "GET /users/%d" % found[0].id, 200)
    if user.name != STUDENT["name"] or user.uuid != STUDENT["uuid"] or not user.active:
        raise Failed("GET /users/%d answered %s" % (found[0].id, json.dumps(user.to_dict(), default=str)))
    print("user: %d %s (%s, uuid %s, created %s)" % (user.id, user.name, type(user).__name__, user.uuid, user.created_at))
    return user


def sso_link(generated, client):
    method, path = "POST", "/api/v2/mirror-data/sso-token"
    module, item = generated.operation(method, path)
    require_body(module, method, path, item)
    body = generated.model("SsoTokenBody", "the sign-in link request")(uuid=STUDENT["uuid"])
    link = typed(module.sync_detailed(client=client, body=body), "%s %s" % (method, path), 200)
    print("sso: %s link, expires in %ss (%s)" % (link.type_, link.expires_in, type(link).__name__))
    return link.url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def open_link(base_url, url, user):
    """Opens the link as a browser would: its answer signs in (a session cookie) and sends to the home page."""
    if url.startswith("/"):
        url = base_url.rstrip("/") + url
    jar = http.cookiejar.CookieJar()
    first = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    try:
        first.open(url, timeout=30)
        raise Failed("the link answered without sending the browser on")
    except urllib.error.HTTPError as answer:
        if answer.code not in (302, 303, 307):
            raise Failed("the link answered %s: %s" % (answer.code, answer.read()[:300]))
        location = answer.headers.get("location", "")
    if not any(cookie.name for cookie in jar):
        raise Failed("the link sent the browser to %s without a session cookie" % location)
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with browser.open(urllib.request.Request(base_url.rstrip("/") + location), timeout=30) as page:
        html = page.read().decode(errors="replace")
        landed = page.geturl()
    if user.name not in html:
        raise Failed("the link landed on %s, which does not show %s signed in" % (landed, user.name))
    print("link: %s -> %s, signed in as %s" % (url.split("/sso/")[0] + "/sso/…", landed, user.name))
    stranger = urllib.request.build_opener()
    try:
        stranger.open(url, timeout=30)
        raise Failed("the link opened a second time")
    except urllib.error.HTTPError as again:
        if again.code != 410:
            raise Failed("the link opened a second time answered %s, not 410" % again.code)
    print("link: a second opening answers 410")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client-dir", required=True, help="the folder holding the generated package")
    parser.add_argument("--package", required=True)
    parser.add_argument("--document", required=True, help="the /openapi.json the client was generated from")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--referer", default="http://localhost")
    args = parser.parse_args()
    sys.path.insert(0, args.client_dir)
    package = importlib.import_module(args.package)
    with open(args.document, encoding="utf-8") as file:
        generated = Generated(package, json.load(file))
    client_module = importlib.import_module(args.package + ".client")
    # The document's security scheme: the token in a `token` header (no prefix), with `referer` and `accept`.
    client = client_module.AuthenticatedClient(
        base_url=args.base_url,
        token=args.token,
        prefix="",
        auth_header_name="token",
        headers={"referer": args.referer, "accept": "application/json"},
        raise_on_unexpected_status=True,
        timeout=30.0,
    )
    errors = importlib.import_module(args.package + ".errors")
    try:
        with client:
            job_id = mirror(generated, client)
            wait_for_job(generated, client, job_id)
            user = find_student(generated, client)
            url = sso_link(generated, client)
        open_link(args.base_url, url, user)
    except errors.UnexpectedStatus as error:
        print("generated client: FAILED: an undocumented status %s: %s" % (error.status_code, error.content[:300]))
        return 1
    except (Failed, AttributeError, TypeError, KeyError) as error:
        print("generated client: FAILED: %s: %s" % (type(error).__name__, error))
        return 1
    print("generated client: OK, mirror -> job -> users -> SSO link -> signed in")
    return 0


if __name__ == "__main__":
    sys.exit(main())
