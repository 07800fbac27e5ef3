"""XLIFF 1.2 (`trans-unit`) and 2.0 (`unit`/`segment`) bilingual files, parsed with lxml safely.

The parser resolves no entities, loads no DTD and never touches the network. Inline codes
(`<x/>`, `<ph>`, `<g>`, `<pc>`...) contribute the text they enclose, not their markup. When the
file declares English as its source language and Chinese as its target, the sides are swapped so that
the Chinese text is always the source. Locations point at the `<target>` element's line.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..model import Location, SegmentPair
from ._common import read_bytes, read_each

_NS_12 = "urn:oasis:names:tc:xliff:document:1.2"
_NS_20 = "urn:oasis:names:tc:xliff:document:2.0"
# Inline elements whose text is not translatable content (original codes).
_CODE_ONLY = {"ph", "bpt", "ept", "it", "sub", "x", "bx", "ex", "cp", "sc", "ec"}


def read_xliff(paths: list[Path], options: object = None) -> list[SegmentPair]:
    return read_each(paths, _read_file)


def _read_file(path: Path) -> list[SegmentPair]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(read_bytes(path), parser)
    except etree.XMLSyntaxError as error:
        raise InputError(f"not well-formed XML: {error.msg}", path=str(path), line=error.lineno) from None
    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "xliff" or namespace not in (_NS_12, _NS_20):
        raise InputError("not an XLIFF 1.2 or 2.0 document (root element <xliff> in its namespace)",
                         path=str(path), line=root.sourceline)
    if namespace == _NS_12:
        units = _units_12(root)
        languages = [(file.get("source-language", ""), file.get("target-language", ""))
                     for file in root.iter(f"{{{_NS_12}}}file")]
    else:
        units = _units_20(root)
        languages = [(root.get("srcLang", ""), root.get("trgLang", ""))]
    swap = bool(languages) and all(source.lower().startswith("en") and target.lower().startswith("zh")
                                    for source, target in languages)
    pairs = []
    for key, source, target in units:
        source_text, target_text = _text(source), _text(target) if target is not None else ""
        source_location = Location(str(path), source.sourceline or 1, 1)
        target_location = Location(str(path), (target if target is not None else source).sourceline or 1, 1)
        if swap:
            source_text, target_text = target_text, source_text
            source_location, target_location = target_location, source_location
        if source_text.strip():
            pairs.append(SegmentPair(source=source_text, target=target_text, source_location=source_location,
                                     target_location=target_location, key=key))
    return pairs


def _units_12(root):
    for unit in root.iter(f"{{{_NS_12}}}trans-unit"):
        if unit.get("translate") == "no":
            continue
        source = unit.find(f"{{{_NS_12}}}source")
        if source is not None:
            yield unit.get("id", ""), source, unit.find(f"{{{_NS_12}}}target")


def _units_20(root):
    for unit in root.iter(f"{{{_NS_20}}}unit"):
        if unit.get("translate") == "no":
            continue
        for number, segment in enumerate(unit.iter(f"{{{_NS_20}}}segment"), start=1):
            source = segment.find(f"{{{_NS_20}}}source")
            if source is not None:
                key = unit.get("id", "")
                segment_id = segment.get("id") or (str(number) if number > 1 else "")
                yield (f"{key}/{segment_id}" if segment_id else key), source, segment.find(f"{{{_NS_20}}}target")


def _text(element) -> str:
    from lxml import etree

    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if etree.QName(child).localname not in _CODE_ONLY:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())
