"""The documented payload: the schema is valid, and there is one valid example per event."""

import json
from pathlib import Path

import jsonschema

from handoff.models import HANDOFF_KINDS

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA = json.loads((DOCS / "handoff.schema.json").read_text())
EXAMPLES = json.loads((DOCS / "handoff-examples.json").read_text())


def test_the_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_one_valid_example_per_event() -> None:
    assert sorted(EXAMPLES) == sorted(HANDOFF_KINDS)
    for kind, example in EXAMPLES.items():
        assert example["type"] == kind
        jsonschema.validate(example, SCHEMA)
