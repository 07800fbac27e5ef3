"""TMX 1.4 reader: one pair per translation unit with a Chinese and an English variant.

Parsed with lxml without entity expansion, DTD loading or network access; a file that declares
entities at all is refused (a TMX has no use for them, and they are how billion-laughs and
external-entity attacks work).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..model import Granularity, Location, SegmentPair
from ._common import ReaderPairs, read_bytes, read_each

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ZH_TAGS = frozenset({"zh", "zho", "chi", "cmn"})
_EN_TAGS = frozenset({"en", "eng"})
# Inline elements whose content is the original document's formatting code, not text.
_CODE_ELEMENTS = frozenset({"bpt", "ept", "it", "ut"})
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_MARKUP_CODE = re.compile(r"^\s*<[^>]*>\s*$|^\s*&lt;")
_LINE_BREAK_CODE = re.compile(r"^\s*(?:<br\b[^>]*>|\\n|\n)\s*$", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


def read_tmx(paths: list[Path], options: object = None) -> list[SegmentPair]:
    return read_each(paths, _read_file)


def _read_file(path: Path) -> list[SegmentPair]:
    from lxml import etree

    data = read_bytes(path)
    if not data.strip():
        raise InputError("empty file", path=str(path), line=1)
    declaration = _ENTITY_DECLARATION.search(data)
    if declaration:
        line = data[: declaration.start()].count(b"\n") + 1
        raise InputError("the file declares XML entities (<!ENTITY>); refused for safety", path=str(path), line=line)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise InputError(f"malformed XML: {error.msg}", path=str(path), line=line) from None
    if root is None or etree.QName(root).localname != "tmx":
        name = etree.QName(root).localname if root is not None else "nothing"
        raise InputError(f"not a TMX file: the root element is <{name}>, not <tmx>", path=str(path),
                         line=root.sourceline if root is not None else 1)
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError("the file declares XML entities; refused for safety", path=str(path), line=1)

    header = root.find("{*}header")
    document_granularity = _granularity(header.get("segtype") if header is not None else None)
    pairs = ReaderPairs()
    languages_seen: dict[str, int] = {}
    unit_count = 0
    for unit in root.iter("{*}tu"):
        unit_count += 1
        zh = en = None
        for variant in unit.iterfind("{*}tuv"):
            tag = variant.get(_XML_LANG) or variant.get("lang") or ""
            languages_seen.setdefault(tag or "(none)", variant.sourceline or 0)
            primary = tag.replace("_", "-").split("-")[0].lower()
            if primary in _ZH_TAGS and zh is None:
                zh = variant
            elif primary in _EN_TAGS and en is None:
                en = variant
        source = _variant_text(zh) if zh is not None else ""
        target = _variant_text(en) if en is not None else ""
        if not source or not target:
            if source or target:  # an untranslated unit: no pair, but the user hears of it
                pairs.one_sided.append(Location(str(path), unit.sourceline or 0))
            continue
        granularity = _granularity(unit.get("segtype")) if unit.get("segtype") else document_granularity
        pairs.append(
            SegmentPair(
                source=source,
                target=target,
                source_location=Location(str(path), zh.sourceline or 0),
                target_location=Location(str(path), en.sourceline or 0),
                granularity=granularity,
            )
        )
    if not unit_count:
        raise InputError("no translation units (<tu>) in the TMX file", path=str(path), line=root.sourceline)
    if not pairs:
        primaries = {tag.replace("_", "-").split("-")[0].lower() for tag in languages_seen}
        missing = [name for name, tags in (("Chinese (zh)", _ZH_TAGS), ("English (en)", _EN_TAGS))
                   if not primaries & tags]
        problem = f"no {' or '.join(missing)} variants" if missing else "no unit has both a Chinese and an English text"
        found = ", ".join(sorted(languages_seen)) or "none"
        raise InputError(f"{problem} in the TMX file (languages found: {found})", path=str(path),
                         line=min(languages_seen.values(), default=root.sourceline))
    return pairs


def _granularity(segtype: str | None) -> Granularity:
    # TMX segtype "paragraph" (or "block") units hold several sentences: they need sentence alignment.
    return Granularity.PARAGRAPH if segtype in ("paragraph", "block") else Granularity.SEGMENT


def _variant_text(variant) -> str:
    segment = variant.find("{*}seg")
    if segment is None:
        return ""
    return _WHITESPACE.sub(" ", _inline_text(segment)).strip()


def _inline_text(element) -> str:
    """Text of a <seg> or <hi>/<sub>: formatting codes dropped, placeholders like {0} kept."""
    from lxml import etree

    parts = [element.text or ""]
    for child in element:
        if isinstance(child, etree._Entity):
            pass  # an undeclared entity reference: never expanded
        elif not isinstance(child.tag, str):
            pass  # comments and processing instructions
        else:
            name = etree.QName(child).localname
            if name in _CODE_ELEMENTS:
                pass
            elif name == "ph":
                code = "".join(
                    piece for piece in child.itertext() if not isinstance(piece, etree._Entity)
                )
                if _LINE_BREAK_CODE.match(code):
                    parts.append(" ")
                elif code.strip() and not _MARKUP_CODE.match(code) and not child.findall("{*}sub"):
                    parts.append(code)  # a placeholder such as {0} or %s stands for text
            else:  # hi, sub, and unknown inline elements: their text is translatable
                parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
