"""Glossary as TBX (ISO 30042): write TBX v3, TBX-Basic dialect, DCA style; read TBX v3 and TBX v2 (martif).

Layout written, one conceptEntry per glossary entry, i.e. per (source term, status):

    <conceptEntry id="c1">
      <transacGrp><transac type="transactionType">modification</transac><date>2026-11-20</date></transacGrp>
      <note>the entry's note</note>
      <note>termsieve-status: forbidden</note>           (only where administrativeStatus is ambiguous)
      <langSec xml:lang="zh-CN">
        <termSec><term>一带一路</term><admin type="source">reference</admin></termSec>
        <termSec><term>一帶一路</term><termNote type="termType">variant</termNote></termSec>
      </langSec>
      <langSec xml:lang="en-US">
        <termSec><term>One Belt, One Road</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
      </langSec>
    </conceptEntry>

TBX-Basic has four administrative statuses; termsieve has five (plus rejected). deprecated and
forbidden both become deprecatedTerm-admn-sts, and the note "termsieve-status: forbidden" keeps the
exact status so an export reads back unchanged. Rejected entries (candidates a reviewer turned down)
are left out unless `include_rejected` is set; then they carry "termsieve-status: rejected".
"""

from __future__ import annotations

from pathlib import Path

from ..errors import GlossaryError
from ..glossary import check_unique, make_entry, sort_glossary, write_bytes_atomic
from ..model import Glossary, GlossaryEntry, Status

TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
# The namespace of the final TBX v3 publication and of v2 (none): read as well.
_READ_NAMESPACES = (TBX_NAMESPACE, "urn:iso:std:iso:30042:ed:3.0", "")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SOURCE_LANGUAGE = "zh-CN"
TARGET_LANGUAGE = "en-US"
STATUS_NOTE_PREFIX = "termsieve-status: "

ADMINISTRATIVE_STATUS = {
    Status.PREFERRED: "preferredTerm-admn-sts",
    Status.ADMITTED: "admittedTerm-admn-sts",
    Status.DEPRECATED: "deprecatedTerm-admn-sts",
    Status.FORBIDDEN: "deprecatedTerm-admn-sts",
    Status.REJECTED: "deprecatedTerm-admn-sts",
}
_STATUS_FROM_TBX = {
    "preferredterm-admn-sts": Status.PREFERRED,
    "admittedterm-admn-sts": Status.ADMITTED,
    "deprecatedterm-admn-sts": Status.DEPRECATED,
    "supersededterm-admn-sts": Status.DEPRECATED,
    # TBX v2 / MultiTerm spellings
    "preferred": Status.PREFERRED,
    "admitted": Status.ADMITTED,
    "deprecated": Status.DEPRECATED,
    "superseded": Status.DEPRECATED,
    "forbidden": Status.FORBIDDEN,
}
# Statuses whose TBX administrativeStatus does not say them exactly.
_MARKED = (Status.FORBIDDEN, Status.REJECTED)


def write_tbx_glossary(glossary: Glossary, path: str | Path, *, include_rejected: bool = False) -> None:
    """TBX v3, TBX-Basic dialect, DCA style (the layout in the module docstring)."""
    write_bytes_atomic(path, _tbx_bytes(glossary, include_rejected, version=3))


def write_tbx2_glossary(glossary: Glossary, path: str | Path, *, include_rejected: bool = False) -> None:
    """TBX v2 (TBX-Basic 2.x, `martif`/`termEntry`/`langSet`/`tig`), for tools that predate TBX v3."""
    write_bytes_atomic(path, _tbx_bytes(glossary, include_rejected, version=2))


_TAGS = {
    3: {"root": "tbx", "header": "tbxHeader", "concept": "conceptEntry", "language": "langSec", "term": "termSec"},
    2: {"root": "martif", "header": "martifHeader", "concept": "termEntry", "language": "langSet", "term": "tig"},
}


def _tbx_bytes(glossary: Glossary, include_rejected: bool, version: int) -> bytes:
    from lxml import etree

    from .. import __version__

    namespace = TBX_NAMESPACE if version == 3 else ""
    tags = _TAGS[version]

    def element(parent, tag: str, text: str | None = None, **attributes):
        node = etree.SubElement(parent, f"{{{namespace}}}{tag}" if namespace else tag, attributes)
        if text is not None:
            node.text = text
        return node

    if version == 3:
        root = etree.Element(f"{{{TBX_NAMESPACE}}}tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"},
                             nsmap={None: TBX_NAMESPACE})
    else:
        root = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    file_description = element(element(root, tags["header"]), "fileDesc")
    element(element(file_description, "sourceDesc"), "p", f"Glossary exported by termsieve {__version__}")
    body = element(element(root, "text"), "body")
    number = 0
    for entry in sort_glossary(glossary).entries:
        if entry.status is Status.REJECTED and not include_rejected:
            continue
        number += 1
        concept = element(body, tags["concept"], id=f"c{number}")
        if entry.date:
            transaction = element(concept, "transacGrp")
            element(transaction, "transac", "modification", type="transactionType")
            element(transaction, "date", entry.date)
        if entry.note:
            element(concept, "note", entry.note)
        if entry.status in _MARKED:
            element(concept, "note", STATUS_NOTE_PREFIX + entry.status.value)
        chinese = element(concept, tags["language"], **{XML_LANG: SOURCE_LANGUAGE})
        key = element(chinese, tags["term"])
        element(key, "term", entry.source)
        if entry.reference:
            element(key, "admin", entry.reference, type="source")
        for variant in entry.variants:
            variant_section = element(chinese, tags["term"])
            element(variant_section, "term", variant)
            element(variant_section, "termNote", "variant", type="termType")
        if entry.targets:
            english = element(concept, tags["language"], **{XML_LANG: TARGET_LANGUAGE})
            for target in entry.targets:
                section = element(english, tags["term"])
                element(section, "term", target)
                element(section, "termNote", ADMINISTRATIVE_STATUS[entry.status], type="administrativeStatus")
    etree.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8") + b"\n"


def read_tbx_glossary(path: str | Path) -> Glossary:
    """Read TBX v3 (conceptEntry/langSec/termSec) or v2 (termEntry/langSet/tig|ntig).

    Concepts need a Chinese (zh*) term; English (en*) terms are grouped by status into entries.
    Concepts without Chinese, or without English and no status note, are skipped: they are not
    Chinese-English glossary entries.
    """
    from lxml import etree

    path_text = str(path)
    # Safe settings: no DTD loading, no entity expansion, no network, no huge trees.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else None
        raise GlossaryError(f"malformed TBX (XML): {error.msg}", path=path_text, line=line) from None
    except OSError as error:
        raise GlossaryError(f"cannot read: {error}", path=path_text) from None
    if _local(root.tag) not in ("tbx", "martif"):
        raise GlossaryError(f"not a TBX file: the root element is <{_local(root.tag)}>", path=path_text,
                            line=root.sourceline)
    collected: dict[tuple[str, Status], dict] = {}
    order: list[tuple[str, Status]] = []
    for concept in root.iter():
        if not isinstance(concept.tag, str) or _local(concept.tag) not in ("conceptEntry", "termEntry"):
            continue
        for entry in _concept_entries(concept, path_text):
            key = (entry.source, entry.status)
            if key not in collected:
                collected[key] = {"entry": entry, "line": concept.sourceline}
                order.append(key)
            else:  # several concepts for one (source, status): one entry with all their targets
                first = collected[key]["entry"]
                collected[key]["entry"] = make_entry(
                    first.source, (*first.targets, *entry.targets), first.status,
                    variants=(*first.variants, *entry.variants),
                    note="; ".join(n for n in dict.fromkeys((first.note, entry.note)) if n),
                    reference=first.reference or entry.reference, date=max(first.date, entry.date),
                    path=path_text, line=concept.sourceline,
                )
    return check_unique(((collected[key]["entry"], collected[key]["line"]) for key in order), path_text)


def _concept_entries(concept, path: str) -> list[GlossaryEntry]:
    line = concept.sourceline
    notes = [_text(node) for node in _children(concept, "note")]
    marked = [note[len(STATUS_NOTE_PREFIX):].strip() for note in notes if note.startswith(STATUS_NOTE_PREFIX)]
    notes = [note for note in notes if note and not note.startswith(STATUS_NOTE_PREFIX)]
    marked_status = None
    if marked:
        from ..glossary import parse_status

        marked_status = parse_status(marked[0], path=path, line=line)
    date = _date(concept)
    chinese_terms: list[str] = []
    variants: list[str] = []
    reference = ""
    english: dict[Status, list[str]] = {}
    for language in _children(concept, "langSec", "langSet"):
        code = (language.get(XML_LANG) or language.get("lang") or "").lower()
        for section in _term_sections(language):
            term = _text(_first(section, "term"))
            if not term:
                continue
            term_notes = {note.get("type", ""): _text(note) for note in section.iter() if _is(note, "termNote")}
            if code.startswith("zh"):
                # The first Chinese term is the key; the others (termType variant in our exports)
                # are other written forms.
                (variants if chinese_terms else chinese_terms).append(term)
                for admin in section.iter():
                    if _is(admin, "admin") and admin.get("type") == "source" and not reference:
                        reference = _text(admin)
            elif code.startswith("en"):
                status_text = term_notes.get("administrativeStatus", "").strip().lower()
                if status_text and status_text not in _STATUS_FROM_TBX:
                    raise GlossaryError(f"unknown administrativeStatus {status_text!r}", path=path,
                                        line=section.sourceline)
                status = marked_status or _STATUS_FROM_TBX.get(status_text, Status.PREFERRED)
                english.setdefault(status, []).append(term)
    if not chinese_terms:
        return []
    if not english and marked_status is Status.REJECTED:
        english[Status.REJECTED] = []
    return [
        make_entry(chinese_terms[0], targets, status, variants=variants, note="\n".join(notes),
                   reference=reference, date=date, path=path, line=line)
        for status, targets in english.items()
    ]


def _term_sections(language):
    """termSec (v3), tig and ntig (v2)."""
    return [node for node in language if _is(node, "termSec", "tig", "ntig")]


def _date(concept) -> str:
    dates = [_text(node)[:10] for node in concept.iter() if _is(node, "date")]
    dates = [date for date in dates if len(date) == 10 and date[4] == "-" and date[7] == "-"]
    return max(dates) if dates else ""


def _children(node, *names: str):
    return [child for child in node if _is(child, *names)]


def _first(node, name: str):
    for child in node.iter():
        if _is(child, name):
            return child
    return None


def _is(node, *names: str) -> bool:
    return isinstance(node.tag, str) and _local(node.tag) in names and _namespace(node.tag) in _READ_NAMESPACES


def _text(node) -> str:
    if node is None:
        return ""
    text = "".join(node.itertext())
    return " ".join(text.split()) if _local(node.tag) == "term" else text.strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
