#!/usr/bin/env python3
"""Summarise a schemathesis run of the contract test: requests per operation, the statuses answered, the failures by
check; and whether every operation of the document was exercised.

Reads the document (/openapi.json as served), the HAR report (every request sent) and the NDJSON report (the failing
cases with their check). Prints a table and the totals; with --findings FILE also writes the unique failures as
Markdown (operation, request, answer, check). Exits 1 when an operation of the document got no request at all.

Usage: summary.py --document openapi.json --har har.json --ndjson events.ndjson [--findings findings.md]
"""

import argparse
import base64
import collections
import json
import re
import sys
import urllib.parse

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def operations_of(document):
    """(method, template, regex, number of literal segments) for every operation of the document."""
    found = []
    for template, item in document.get("paths", {}).items():
        path = template.split("?", 1)[0]
        pattern = "^" + "".join(
            "[^/]+" if part.startswith("{") and part.endswith("}") else re.escape(part)
            for part in re.split(r"(\{[^}]+\})", path)
        ) + "/?$"
        literal = sum(1 for segment in path.split("/") if segment and not segment.startswith("{"))
        query = dict(urllib.parse.parse_qsl(template.split("?", 1)[1])) if "?" in template else {}
        for method in METHODS:
            if method in item:
                found.append((method.upper(), template, re.compile(pattern), literal, query))
    return found


def operation_of(operations, method, url):
    """The operation a request went to: the method and the most literal template matching its path (and query)."""
    parsed = urllib.parse.urlsplit(url)
    path = parsed.path
    query = dict(urllib.parse.parse_qsl(parsed.query))
    best = None
    for candidate_method, template, pattern, literal, wanted in operations:
        if candidate_method != method or not pattern.match(path):
            continue
        if any(query.get(name) != value for name, value in wanted.items()):
            continue
        score = (literal + len(wanted), -len(template))
        if best is None or score > best[0]:
            best = (score, template)
    return "%s %s" % (method, best[1]) if best else None


def body_text(content, limit=600):
    if not content:
        return ""
    if isinstance(content, dict) and "$base64" in content:
        raw = base64.b64decode(content["$base64"])
        text = raw.decode("utf-8", errors="replace")
    elif isinstance(content, dict):
        text = content.get("text") or ""
    else:
        text = str(content)
    return text if len(text) <= limit else text[:limit] + "…"


def failures_of(ndjson_path):
    """Unique failures: (operation, check code, status) -> one example with its request and answer."""
    unique = collections.OrderedDict()
    with open(ndjson_path) as events:
        for line in events:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished.get("recorder") or {}
            cases = recorder.get("cases") or {}
            interactions = recorder.get("interactions") or {}
            for case_id, checks in (recorder.get("checks") or {}).items():
                value = (cases.get(case_id) or {}).get("value") or {}
                label = "%s %s" % (value.get("method", "?"), value.get("path", recorder.get("label", "?")))
                interaction = interactions.get(case_id) or {}
                request = interaction.get("request") or {}
                response = interaction.get("response") or {}
                for check in checks:
                    if check.get("status") != "failure":
                        continue
                    failure = (check.get("failure_info") or {}).get("failure") or {}
                    key = (label, failure.get("code", check.get("name")), response.get("status_code"))
                    if key in unique:
                        continue
                    unique[key] = {
                        "operation": label,
                        "check": check.get("name"),
                        "code": failure.get("code", ""),
                        "title": failure.get("title", ""),
                        "message": failure.get("message", ""),
                        "phase": finished.get("phase"),
                        "request": "%s %s" % (request.get("method", ""), request.get("uri", "")),
                        "request_body": body_text(request.get("body")),
                        "request_type": ", ".join((request.get("headers") or {}).get("Content-Type", [])),
                        "status": response.get("status_code"),
                        "answer": body_text(response.get("content")),
                    }
    return list(unique.values())


def errors_of(ndjson_path):
    """What schemathesis could not test (an unresolvable reference, a failed health check…): (label, phase, text)."""
    found = []
    with open(ndjson_path) as events:
        for line in events:
            error = json.loads(line).get("NonFatalError")
            if error is None:
                continue
            value = error.get("value")
            if isinstance(value, dict):
                text = value.get("message") or value.get("title") or json.dumps(value)[:300]
                kind = value.get("type") or value.get("kind") or ""
            else:
                text, kind = str(value), ""
            found.append((error.get("label", "?"), error.get("phase"), ("%s: %s" % (kind, text)).strip(": ")))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--document", required=True)
    parser.add_argument("--har", required=True)
    parser.add_argument("--ndjson", required=True)
    parser.add_argument("--findings")
    args = parser.parse_args()

    with open(args.document) as file:
        document = json.load(file)
    operations = operations_of(document)
    labels = ["%s %s" % (method, template) for method, template, _, _, _ in operations]
    with open(args.har) as file:
        entries = json.load(file)["log"]["entries"]

    requests = collections.Counter()
    statuses = collections.defaultdict(collections.Counter)
    for entry in entries:
        label = operation_of(operations, entry["request"]["method"], entry["request"]["url"]) or "(no operation)"
        requests[label] += 1
        statuses[label][entry["response"]["status"]] += 1
    failures = failures_of(args.ndjson)
    failing = collections.Counter(failure["operation"] for failure in failures)

    width = max([len(label) for label in labels] + [20])
    print("\n%-*s  %8s  %8s  %s" % (width, "operation", "requests", "failures", "statuses answered"))
    for label in sorted(labels + [label for label in requests if label not in labels]):
        answered = " ".join("%s×%d" % (status, count) for status, count in sorted(statuses[label].items()))
        print("%-*s  %8d  %8d  %s" % (width, label, requests[label], failing[label], answered or "-"))
    unexercised = [label for label in labels if requests[label] == 0]
    print(
        "\ncontract test: %d operations in the document, %d exercised, %d generated requests, %d unique failures"
        % (len(labels), len(labels) - len(unexercised), len(entries), len(failures))
    )
    for failure in failures:
        print("  FAILURE %s: %s %s (answered %s)" % (failure["operation"], failure["code"], failure["title"],
                                                  failure["status"]))
    if args.findings:
        with open(args.findings, "w") as out:
            out.write("# Contract test findings\n\n%d unique failures (operation, check, status).\n" % len(failures))
            for failure in failures:
                out.write("\n## %s — %s %s (answered %s)\n\n" % (failure["operation"], failure["code"],
                                                                 failure["title"], failure["status"]))
                out.write("- check: `%s` (phase %s)\n" % (failure["check"], failure["phase"]))
                out.write("- request: `%s`" % failure["request"])
                if failure["request_type"]:
                    out.write(" (%s)" % failure["request_type"])
                out.write("\n")
                if failure["request_body"]:
                    out.write("- body: `%s`\n" % failure["request_body"].replace("`", "'"))
                out.write("- answer: `%s`\n" % failure["answer"].replace("`", "'"))
                out.write("- says: %s\n" % " / ".join(failure["message"].splitlines()[:3]))
    errors = errors_of(args.ndjson)
    for label, phase, text in errors:
        print("  ERROR %s (phase %s): %s" % (label, phase, " ".join(text.split())[:300]))
    if unexercised:
        print("\nNOT EXERCISED (no request reached them): %s" % ", ".join(unexercised))
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
