"""A Chinese and an English Markdown document, aligned block by block.

Blocks are paragraphs (lines up to a blank line), and each heading, list item, table row and block
quote line on its own, since translations keep that structure. Fenced code blocks, YAML front matter,
HTML comments and link reference definitions are skipped; inline markup (emphasis, links, images,
inline code backticks, HTML tags) is removed from the text compared. When the two documents have
different numbers of blocks, the error names the first place where their structure differs.
Which file is Chinese is decided by content, falling back to the order given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import Granularity, Location, SegmentPair
from ._common import UTF8_ONLY, Language, cjk_count, join_lines, read_text, split_lines

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1")


@dataclass(frozen=True)
class Block:
    kind: str  # heading1..6, item, row, quote, paragraph
    line: int  # 1-based first line
    text: str


def read_markdown_pair(paths: list[Path], options: object = None) -> list[SegmentPair]:
    if len(paths) != 2:
        raise InputError(f"a document pair needs its Chinese and its English file; got {len(paths)} file(s)",
                         path=str(paths[0]) if paths else None)
    first, second = paths
    texts = {path: read_text(path, advice=UTF8_ONLY) for path in paths}
    zh_path, en_path = (second, first) if _cjk_share(texts[second]) > _cjk_share(texts[first]) else (first, second)
    zh_blocks = markdown_blocks(texts[zh_path], Language.ZH)
    en_blocks = markdown_blocks(texts[en_path], Language.EN)
    if len(zh_blocks) != len(en_blocks):
        index = next((i for i, (zh, en) in enumerate(zip(zh_blocks, en_blocks)) if zh.kind != en.kind),
                     min(len(zh_blocks), len(en_blocks)))
        zh_line = zh_blocks[min(index, len(zh_blocks) - 1)].line if zh_blocks else 1
        en_line = en_blocks[min(index, len(en_blocks) - 1)].line if en_blocks else 1
        raise InputError(
            f"{len(zh_blocks)} Chinese blocks but {len(en_blocks)} English blocks in {en_path}; "
            f"the structure first differs at {zh_path}:{zh_line} and {en_path}:{en_line}",
            path=str(zh_path), line=zh_line,
        )
    return [
        SegmentPair(source=zh.text, target=en.text, source_location=Location(str(zh_path), zh.line, 1),
                    target_location=Location(str(en_path), en.line, 1), granularity=Granularity.PARAGRAPH)
        for zh, en in zip(zh_blocks, en_blocks)
    ]


def markdown_blocks(text: str, language: Language) -> list[Block]:
    lines = split_lines(text)
    blocks: list[Block] = []
    paragraph: list[str] = []
    paragraph_line = 0
    fence: str | None = None
    in_comment = False

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            blocks.append(Block("paragraph", paragraph_line, _plain(join_lines(paragraph, language))))
            paragraph = []

    start = _front_matter_end(lines)
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        fenced = _FENCE.match(line)
        if fenced:
            flush()
            fence = fenced.group(1)
            continue
        if line.strip().startswith("<!--"):
            flush()
            in_comment = "-->" not in line
            continue
        if not line.strip() or _LINK_DEFINITION.match(line) or _TABLE_RULE.match(line):
            flush()
            continue
        if paragraph and _SETEXT.match(line):
            paragraph_kind = "heading1" if line.strip().startswith("=") else "heading2"
            blocks.append(Block(paragraph_kind, paragraph_line, _plain(join_lines(paragraph, language))))
            paragraph = []
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            blocks.append(Block(f"heading{len(heading.group(1))}", number, _plain(heading.group(2))))
            continue
        stripped = line.strip()
        if _LIST_ITEM.match(line):
            flush()
            blocks.append(Block("item", number, _plain(_LIST_ITEM.sub("", line, count=1))))
            continue
        if stripped.startswith("|"):
            flush()
            cells = " ".join(cell.strip() for cell in stripped.strip("|").split("|"))
            blocks.append(Block("row", number, _plain(cells)))
            continue
        if stripped.startswith(">"):
            flush()
            blocks.append(Block("quote", number, _plain(stripped.lstrip("> "))))
            continue
        if not paragraph:
            paragraph_line = number
        paragraph.append(line)
    flush()
    return [block for block in blocks if block.text]


def _front_matter_end(lines: list[str]) -> int:
    """Number of lines taken by YAML front matter (0 when there is none)."""
    if lines and lines[0].strip() == "---":
        for number in range(2, len(lines) + 1):
            if lines[number - 1].strip() in ("---", "..."):
                return number
    return 0


def _plain(text: str) -> str:
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(lambda found: found.group(1) if found.group(1) is not None else found.group(2), text)
    text = _HTML_TAG.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("`", "")
    return " ".join(text.split())


def _cjk_share(text: str) -> float:
    return cjk_count(text) / max(len(text), 1)
