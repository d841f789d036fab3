#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema (any draft the schema declares), for CiFormatsIT.

    validate-json-schema.py SCHEMA DATA [--each] [--lines]

--each: DATA is an array, each item validated on its own (GitLab validates Code Quality issues so).
--lines: DATA is JSON Lines, each line a document.
Prints one line per problem and exits 1 when there is any; uses python3-jsonschema (Debian).
"""
import json
import sys

import jsonschema


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema_path, data_path, flags = argv[1], argv[2], set(argv[3:])
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(data_path, encoding="utf-8") as f:
        text = f.read()
    if "--lines" in flags:
        documents = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        data = json.loads(text)
        documents = data if "--each" in flags else [data]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    problems = 0
    for i, doc in enumerate(documents):
        for error in validator.iter_errors(doc):
            problems += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"document {i}: /{where}: {error.message}")
    print(f"{len(documents)} documents, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
