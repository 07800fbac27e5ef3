"""Glossary as JSON: {"format": "termsieve-glossary", "version": 1, "entries": [...]}.

Each entry has the native columns as keys, with `targets` and `variants` as lists.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import GlossaryError
from ..glossary import check_unique, make_entry, parse_status, sort_glossary, write_text_atomic
from ..model import Glossary

FORMAT_NAME = "termsieve-glossary"
FORMAT_VERSION = 1
_KEYS = ("source", "variants", "targets", "status", "note", "reference", "date")


def write_json_glossary(glossary: Glossary, path: str | Path) -> None:
    entries = [
        {
            "source": entry.source,
            "variants": list(entry.variants),
            "targets": list(entry.targets),
            "status": entry.status.value,
            "note": entry.note,
            "reference": entry.reference,
            "date": entry.date,
        }
        for entry in sort_glossary(glossary).entries
    ]
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "entries": entries}
    write_text_atomic(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def read_json_glossary(path: str | Path) -> Glossary:
    path_text = str(path)
    try:
        document = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise GlossaryError("not UTF-8 text", path=path_text) from None
    except json.JSONDecodeError as error:
        raise GlossaryError(f"not valid JSON: {error.msg}", path=path_text, line=error.lineno) from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise GlossaryError('expected an object with an "entries" list (a termsieve glossary export)', path=path_text)
    entries = []
    for index, item in enumerate(document["entries"]):
        where = f"entry {index + 1}"
        if not isinstance(item, dict):
            raise GlossaryError("an entry must be an object", path=path_text, where=where)
        unknown = sorted(set(item) - set(_KEYS))
        if unknown:
            raise GlossaryError(f"unknown key {unknown[0]!r}; keys are: {', '.join(_KEYS)}", path=path_text,
                                where=where)
        for key in ("source", "status"):
            if key not in item:
                raise GlossaryError(f"missing key {key!r}", path=path_text, where=where)
        status = parse_status(_text(item, "status", path_text, where), path=path_text, where=where)
        entries.append((
            make_entry(
                _text(item, "source", path_text, where),
                _strings(item, "targets", path_text, where),
                status,
                variants=_strings(item, "variants", path_text, where),
                note=_text(item, "note", path_text, where),
                reference=_text(item, "reference", path_text, where),
                date=_text(item, "date", path_text, where),
                path=path_text,
                where=where,
            ),
            index + 1,
        ))
    return check_unique(entries, path_text, unit="entry")


def _text(item: dict, key: str, path: str, where: str) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        raise GlossaryError(f"{key!r} must be a string", path=path, where=where)
    return value


def _strings(item: dict, key: str, path: str, where: str) -> list[str]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GlossaryError(f"{key!r} must be a list of strings", path=path, where=where)
    return value
