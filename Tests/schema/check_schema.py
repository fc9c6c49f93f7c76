#!/usr/bin/env python3
"""Check docs/manifest.schema.json against manifests that must pass and manifests that must fail.

Usage: python3 Tests/schema/check_schema.py SCHEMA --valid FILE... --invalid FILE...

Options must come after SCHEMA; -v also prints why each --invalid file was rejected.
Validates the schema itself (Draft 2020-12 meta-schema), then each FILE with format checking.
A --valid file that fails, or an --invalid file that passes (or is not JSON), is misclassified:
it is printed with the reason, and the exit status is 1. Exit 2 on usage errors.
"""
import argparse
import json
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def describe(error, limit=200):
    message = error.message if len(error.message) <= limit else error.message[: limit - 1] + "\u2026"
    where = "/" + "/".join(str(p) for p in error.absolute_path)
    rule = "/".join(str(p) for p in error.absolute_schema_path)
    return f"{message} (at {where}; schema rule {rule})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema", help="path of the JSON Schema to test")
    parser.add_argument("--valid", nargs="*", default=[], metavar="FILE", help="manifests the schema must accept")
    parser.add_argument("--invalid", nargs="*", default=[], metavar="FILE", help="documents the schema must reject")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print why each --invalid file was rejected")
    args = parser.parse_args()
    if not args.valid and not args.invalid:
        parser.error("give at least one --valid or --invalid file")

    try:
        schema = load(args.schema)
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, SchemaError) as e:
        print(f"{args.schema}: schema is not usable: {e}")
        return 1
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    passed = failed = 0
    for path, must_pass in [(p, True) for p in args.valid] + [(p, False) for p in args.invalid]:
        try:
            errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.absolute_path))
        except (OSError, ValueError) as e:
            errors, unreadable = [], str(e)
        else:
            unreadable = None
        if unreadable is not None:
            ok, reason = False, f"cannot read as JSON: {unreadable}"
        elif must_pass:
            ok, reason = not errors, "; ".join(describe(e) for e in errors)
        else:
            ok, reason = bool(errors), "accepted, but must be rejected"
        if ok:
            passed += 1
            if args.verbose and not must_pass:
                print(f"ok   {path}: rejected: {describe(best_match(errors))}")
        else:
            failed += 1
            print(f"FAIL {path} (expected {'valid' if must_pass else 'invalid'}): {reason}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
