#!/usr/bin/env python3
"""Extracts the request-body JSON schemas of the write routes the forge clients call.

GitHub:  the requestBody (application/json) of each operation in GitHub's OpenAPI 3.0
         description, npm package @octokit/openapi, file generated/api.github.com.json.
Forgejo: the `in: body` parameter of each operation in the Forgejo swagger 2.0 file.

Every $ref is inlined, OpenAPI-only keywords are turned into JSON Schema (draft 2020-12):
`nullable: true` adds "null" to `type`; `example(s)`, `discriminator`, `xml`, `externalDocs`
and `x-*` extensions are dropped; `format` is dropped except `date-time` (int64, int32 and the
like are no JSON Schema formats). Nothing else changes, so a violation is one the forge's own
description states.

Usage (see README.md):
  npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
  python3 extract.py package/generated/api.github.com.json /path/to/forgejo-swagger.v1.json
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (method, path template) of every request the clients send with a body.
GITHUB_ROUTES = [
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels"),
    ("POST", "/repos/{owner}/{repo}/issues"),
    ("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("POST", "/repos/{owner}/{repo}/releases"),
    ("PATCH", "/repos/{owner}/{repo}/releases/{release_id}"),
    ("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge"),
    ("POST", "/repos/{owner}/{repo}/dispatches"),
    ("POST", "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"),
    ("POST", "/app/installations/{installation_id}/access_tokens"),
]
FORGEJO_ROUTES = [
    ("POST", "/repos/{owner}/{repo}/labels"),
    ("POST", "/repos/{owner}/{repo}/issues/{index}/labels"),
    ("POST", "/repos/{owner}/{repo}/issues"),
    ("PATCH", "/repos/{owner}/{repo}/issues/{index}"),
    ("POST", "/repos/{owner}/{repo}/issues/{index}/comments"),
    ("POST", "/repos/{owner}/{repo}/releases"),
    ("PATCH", "/repos/{owner}/{repo}/releases/{id}"),
    ("POST", "/repos/{owner}/{repo}/pulls/{index}/merge"),
    ("POST", "/repos/{owner}/{repo}/actions/workflows/{workflowname}/dispatches"),
]
DROPPED = {"example", "examples", "discriminator", "xml", "externalDocs"}


def resolve(document, ref):
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def inline(document, node, seen=()):
    if isinstance(node, list):
        return [inline(document, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise SystemExit("recursive $ref " + ref)
        return inline(document, resolve(document, ref), seen + (ref,))
    out = {}
    for key, value in node.items():
        if key in DROPPED or key.startswith("x-"):
            continue
        if key == "format" and value != "date-time":
            continue
        if key == "nullable":
            continue
        if key in ("properties", "patternProperties", "definitions", "$defs"):
            out[key] = {name: inline(document, sub, seen) for name, sub in value.items()}
        else:
            out[key] = inline(document, value, seen)
    if node.get("nullable") is True and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = types + ["null"]
    return out


def file_name(method, path):
    return method + "_" + re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") + ".json"


def write(flavour, method, path, schema, source):
    directory = os.path.join(HERE, flavour)
    os.makedirs(directory, exist_ok=True)
    schema = dict(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    name = file_name(method, path)
    with open(os.path.join(directory, name), "w") as out:
        json.dump({"method": method, "path": path, "source": source, "schema": schema}, out, indent=2, sort_keys=True)
        out.write("\n")
    return name


def main(github_file, forgejo_file):
    github = json.load(open(github_file))
    names = []
    for method, path in GITHUB_ROUTES:
        operation = github["paths"][path][method.lower()]
        body = inline(github, operation["requestBody"])
        schema = body["content"]["application/json"]["schema"]
        names.append(write("github", method, path, schema,
                           "@octokit/openapi " + github["info"]["version"] + " generated/api.github.com.json"))
    with open(os.path.join(HERE, "github", "index.json"), "w") as out:
        json.dump(names, out, indent=2)
        out.write("\n")

    forgejo = json.load(open(forgejo_file))
    names = []
    for method, path in FORGEJO_ROUTES:
        operation = forgejo["paths"][path][method.lower()]
        body = [p for p in operation["parameters"] if p.get("in") == "body"]
        if len(body) != 1:
            raise SystemExit("no body parameter: " + method + " " + path)
        schema = inline(forgejo, body[0]["schema"])
        names.append(write("forgejo", method, path, schema,
                           "Forgejo swagger " + forgejo["info"]["version"] + " (forgejo-swagger.v1.json)"))
    with open(os.path.join(HERE, "forgejo", "index.json"), "w") as out:
        json.dump(names, out, indent=2)
        out.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
