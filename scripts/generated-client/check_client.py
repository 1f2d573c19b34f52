#!/usr/bin/env python3
"""Checks what openapi-python-client made of classbridge's /openapi.json before the flow uses it.

Fails when the generator warned (it then leaves operations or models out), when an operation of the document has
no generated function, when a generated module cannot be imported, or when a generated function cannot send one of
its documented request bodies: with several content types sharing one schema, the generated dispatch
(`if isinstance(body, X)` once per content type) matches every branch and sends every body as the last one
(openapi-python-client issue 1276). Prints the counts.

Usage: check_client.py --document openapi.json --generator-log generate.log --package-dir DIR
"""

import argparse
import importlib
import json
import pathlib
import re
import sys

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def generated_operations(package):
    """(method, path) -> the generated module's file, read from the method and URL each module's request names."""
    found = {}
    for path in package.glob("api/*/*.py"):
        source = path.read_text(encoding="utf-8")
        method = re.search(r'^\s*"method": "(\w+)",', source, flags=re.M)
        url = re.search(r'^\s*"url": f?"([^"]*)"', source, flags=re.M)
        if method and url:
            found[(method.group(1), url.group(1))] = path
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--document", required=True)
    parser.add_argument("--generator-log", required=True)
    parser.add_argument("--package-dir", required=True)
    args = parser.parse_args()
    with open(args.document, encoding="utf-8") as file:
        document = json.load(file)
    package = pathlib.Path(args.package_dir)
    modules = generated_operations(package)
    problems = []

    log = pathlib.Path(args.generator_log).read_text(encoding="utf-8", errors="replace")
    warnings = [block.strip() for block in re.split(r"\n\s*\n", log) if re.search(r"WARNING|Unable|cannot|Could not", block)]
    for warning in warnings:
        problems.append("the generator warned:\n    " + warning.replace("\n", "\n    "))

    # Every module imports (a generated annotation naming something not imported fails here, not in the flow).
    sys.path.insert(0, str(package.parent))
    for path in sorted(package.rglob("*.py")):
        name = ".".join(path.relative_to(package.parent).with_suffix("").parts).removesuffix(".__init__")
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - every failure to import is a finding
            problems.append("%s does not import: %s: %s" % (name, type(error).__name__, error))

    operations = typed_bodies = typed_answers = 0
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            operations += 1
            name = "%s %s" % (method.upper(), path)
            module = modules.get((method, path))
            if module is None:
                problems.append("%s (operationId %r): no generated function" % (name, operation.get("operationId")))
                continue
            source = module.read_text(encoding="utf-8")
            if "requestBody" in operation:
                dispatch = re.findall(r"^    if isinstance\(body, (\w+)\):", source, flags=re.M)
                shared = sorted({model for model in dispatch if dispatch.count(model) > 1})
                if shared:
                    types = ", ".join(operation["requestBody"].get("content", {}))
                    problems.append(
                        "%s: its content types (%s) share the schema %s, so the generated function sends every "
                        "body as the last of them" % (name, types, ", ".join(shared))
                    )
                elif dispatch or "body:" in source:
                    typed_bodies += 1
            success = [
                status
                for status, answer in operation.get("responses", {}).items()
                if status.startswith("2") and answer.get("content")
            ]
            if success:
                typed_answers += 1

    print(
        "generated client: %d operations in the document, %d generated functions, %d with a typed request body, "
        "%d with a typed success answer, %d models"
        % (
            operations,
            len(modules),
            typed_bodies,
            typed_answers,
            len([p for p in package.glob("models/*.py") if p.stem != "__init__"]),
        )
    )
    for problem in problems[:40]:
        print("  PROBLEM " + problem)
    if len(problems) > 40:
        print("  … and %d more problems" % (len(problems) - 40))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
