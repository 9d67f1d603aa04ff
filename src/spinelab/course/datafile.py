"""The course's TOML data files, each validated against its JSON Schema.

``load("muscles")`` reads ``data/muscles.toml`` on first use and validates it against
``data/schemas/muscles.schema.json``; a file in a folder, such as ``"selfcheck/01_muscle_layers"``,
uses the schema named after the folder (``selfcheck.schema.json``). The schemas hold every structural
rule (required and known fields, types, allowed values, ranges, non-empty text); the modules reading
the data keep only the rules a schema cannot state, such as citation keys that must resolve.

A failed check raises ``ValueError`` naming the file, the entry and the field, with the allowed values
or range, e.g. ``data/red_flags.toml: flag 3 ('fever'): field 'level' must be one of routine, urgent,
emergency; got 'soon'``. In a schema, a subschema with a ``title`` is an *entry*: an item of an array of
tables is named by title, number and its ``id`` or ``name`` (``flag 3 ('fever')``), a table of a map by
title and key (``level 'urgent'``), a single table whose key is its title by the title (``verdict``).
A ``description`` is the wording of a valid value (``non-empty text``) and replaces the generic message
of any rule of that subschema; notes for maintainers are ``$comment``. The module is pure Python: it
imports no widget or plotting library.
"""

from __future__ import annotations

import json
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

#: Words for the JSON types, as TOML writers know them.
_TYPES = {"string": "text", "integer": "a whole number", "number": "a number", "array": "a list",
          "object": "a table", "boolean": "true or false"}
_BOUNDS = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
           "exclusiveMaximum": "less than"}


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``data/schemas/<name>.schema.json``, e.g. ``schema("muscles")``."""
    text = resources.files("spinelab").joinpath(f"data/schemas/{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def entry(kind: str, position: int | str, row: object = None) -> str:
    """How an error names an entry: ``flag 3 ('fever')`` for index 2 of an array, ``level 'urgent'`` for a key.

    Parameters
    ----------
    kind : str
        What the entry is (the schema's ``title``), e.g. ``"flag"``.
    position : int or str
        Index in its array (from 0; shown from 1), or its key in a table.
    row : dict, optional
        The entry itself: its ``id`` or ``name`` is shown after the number.
    """
    if isinstance(position, str):
        return f"{kind} {position!r}"
    label = next((row[field] for field in ("id", "name") if isinstance(row, dict) and isinstance(row.get(field), str)),
                 None)
    return f"{kind} {position + 1}" + (f" ({label!r})" if label is not None else "")


def parse(text: str, schema_name: str, source: str) -> dict[str, Any]:
    """Parse TOML text and validate it against a schema.

    Parameters
    ----------
    text : str
        The TOML text.
    schema_name : str
        The schema, e.g. ``"red_flags"`` for ``data/schemas/red_flags.schema.json``.
    source : str
        The file name given in error messages.

    Raises
    ------
    ValueError
        Naming the file, the entry and the field at fault, for invalid TOML or the first rule broken.
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source}: not valid TOML: {error}") from None
    errors = sorted(Draft202012Validator(schema(schema_name)).iter_errors(document), key=_file_order)
    if errors:
        raise ValueError(_message(errors[0], schema(schema_name), document, source))
    return document


@cache
def load(name: str) -> dict[str, Any]:
    """The validated content of ``data/<name>.toml``, read on first use, e.g. ``load("red_flags")``.

    Raises
    ------
    ValueError
        As :func:`parse`.
    """
    path = f"data/{name}.toml"
    return parse(resources.files("spinelab").joinpath(path).read_text(encoding="utf-8"), name.split("/")[0], path)


def _file_order(error: ValidationError) -> list[str]:
    return [f"{step:09d}" if isinstance(step, int) else step for step in error.path]


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:  # the schemas refer only to their own $defs
        node = root["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def _child(root: dict[str, Any], node: dict[str, Any], step: int | str) -> dict[str, Any]:
    node = _resolve(root, node)
    if isinstance(step, int):
        found = node.get("items", {})
    elif step in node.get("properties", {}):
        found = node["properties"][step]
    else:
        found = node.get("additionalProperties", {})
    return _resolve(root, found) if isinstance(found, dict) else {}


def _locate(root: dict[str, Any], document: object, path: list[int | str], source: str) -> tuple[str, str]:
    """``(where, field)``: the file and its entries (``x.toml: question 2 ('q') choice 1``) and the field, if any."""
    steps, node, value = [], root, document
    for step in path:
        node = _child(root, node, step)
        present = (isinstance(value, dict) and step in value) or (isinstance(value, list) and isinstance(step, int))
        value = value[step] if present else None  # type: ignore[index]
        steps.append((step, node.get("title"), value))
    entries: list[str] = []
    field: list[str] = []
    for number, (step, title, value) in enumerate(steps):
        if field:
            field.append(f"item {step + 1}" if isinstance(step, int) else f"key {step!r}")
        elif title:  # a single table such as [verdict] is named by its title alone
            entries.append(title if step == title else entry(title, step, value))
        elif number + 1 == len(steps) or not steps[number + 1][1]:  # not the array or table holding an entry
            field.append(f"field {step!r}")
    return ": ".join([source, " ".join(entries)] if entries else [source]), " ".join(field)


def _expected(error: ValidationError) -> str:
    """What a valid value is, in words: the schema's description, or from the rule broken."""
    rule, limit, node = str(error.validator), error.validator_value, error.schema
    if isinstance(node, dict) and "description" in node:
        return str(node["description"])
    if rule == "enum":
        return "one of " + ", ".join(map(str, limit))  # type: ignore[arg-type]
    if rule == "type":
        return " or ".join(_TYPES[kind] for kind in ([limit] if isinstance(limit, str) else limit))  # type: ignore[union-attr]
    if rule in _BOUNDS and isinstance(node, dict):
        if "minimum" in node and "maximum" in node:
            return f"between {node['minimum']} and {node['maximum']}"
        return f"{_BOUNDS[rule]} {limit}"
    if rule in ("minItems", "maxItems") and isinstance(node, dict):
        low, high = node.get("minItems", 0), node.get("maxItems")
        if low == high:
            return f"a list of exactly {low} items"
        if rule == "maxItems":
            return f"a list of at most {high} items"
        return "a non-empty list" if low == 1 else f"a list of at least {low} items"
    if rule == "uniqueItems":
        return "a list without repeats"
    return f"valid ({error.message})"


def _message(error: ValidationError, root: dict[str, Any], document: object, source: str) -> str:
    path, rule = list(error.path), error.validator
    where, field = _locate(root, document, path, source)
    if rule == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)  # type: ignore[union-attr]
        where, field = _locate(root, document, [*path, missing], source)
        return f"{where}: {field} is missing" if field else f"{where} is missing"
    if rule == "dependentRequired":
        given, needed = next((name, need) for name, needs in error.validator_value.items()  # type: ignore[union-attr]
                             if name in error.instance for need in needs if need not in error.instance)
        return f"{where}: field {needed!r} is missing (needed with field {given!r})"
    if rule == "additionalProperties":
        known = list(error.schema.get("properties", {}))  # type: ignore[union-attr]
        extra = sorted(set(error.instance) - set(known))  # type: ignore[arg-type]
        what = "key" if field else "field"
        return f"{where}: {field + ' has ' if field else ''}unknown {what}(s) {', '.join(map(str, extra))}; " \
               f"known: {', '.join(known)}"
    if rule in ("anyOf", "oneOf") and error.context and all(sub.validator == "required" for sub in error.context):
        options = [name for sub in error.context for name in sub.validator_value]  # type: ignore[union-attr]
        return f"{where}: needs field {' or '.join(map(repr, options))}"
    if "propertyNames" in error.schema_path:
        kind = _child(root, _schema_at(root, path), "").get("title")
        return f"{where}: {kind + ' key' if kind else 'key'} {error.instance!r} must be {_expected(error)}"
    subject = f"{where}: {field}" if field else where
    return f"{subject} must be {_expected(error)}; got {error.instance!r}"


def _schema_at(root: dict[str, Any], path: list[int | str]) -> dict[str, Any]:
    node = root
    for step in path:
        node = _child(root, node, step)
    return _resolve(root, node)
