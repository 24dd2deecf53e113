#!/usr/bin/env python3
"""Validate a JSON document against the subset of JSON Schema that zdiag's
schemas use (type, enum, required, properties, additionalProperties, items,
$ref to #/$defs/...).  Usage: schema.py SCHEMA DOC  (DOC "-" = stdin; each
line is a document when --lines is given).  No third-party module needed."""
import json
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def check(schema, value, root, path):
    if "$ref" in schema:
        ref = schema["$ref"]
        node = root
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return check(node, value, root, path)
    t = schema.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        ok = False
        for one in ts:
            if one == "integer":
                ok |= isinstance(value, int) and not isinstance(value, bool)
            elif one == "number":
                ok |= isinstance(value, (int, float)) and not isinstance(value, bool)
            else:
                ok |= isinstance(value, TYPES[one])
        if not ok:
            raise ValueError("%s: expected %s, got %r" % (path, t, value))
    if "enum" in schema and value not in schema["enum"]:
        raise ValueError("%s: %r not in %r" % (path, value, schema["enum"]))
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                raise ValueError("%s: missing %r" % (path, k))
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                check(props[k], v, root, path + "." + k)
            elif isinstance(schema.get("additionalProperties"), dict):
                check(schema["additionalProperties"], v, root, path + "." + k)
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            check(schema["items"], v, root, "%s[%d]" % (path, i))


def main():
    args = [a for a in sys.argv[1:] if a != "--lines"]
    schema = json.load(open(args[0]))
    text = sys.stdin.read() if args[1] == "-" else open(args[1]).read()
    docs = [json.loads(l) for l in text.splitlines() if l.strip()] if "--lines" in sys.argv else [json.loads(text)]
    for d in docs:
        check(schema, d, schema, "$")
    print("valid: %d document(s)" % len(docs))


if __name__ == "__main__":
    main()
