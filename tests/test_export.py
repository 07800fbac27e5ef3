"""Glossary export formats: exact round trips, TBX structure, CAT-tool CSV, independent TBX reading."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from termsieve.cli import cli
from termsieve.errors import FormatError, GlossaryError
from termsieve.glossary import export_glossary, read_glossary, sort_glossary, write_glossary
from termsieve.model import Glossary, GlossaryEntry, Status
from termsieve.review import import_into

EVERY_STATUS = Glossary((
    GlossaryEntry("一带一路", ("Belt and Road Initiative", "BRI"), Status.PREFERRED, variants=("一帶一路",),
                  note="official name since 2015", reference="report.txt:3", date="2026-11-20"),
    GlossaryEntry("一带一路", ("Belt and Road",), Status.ADMITTED),
    GlossaryEntry("一带一路", ("One Belt, One Road", "OBOR"), Status.FORBIDDEN, note="superseded wording"),
    GlossaryEntry("高质量发展", ("quality development",), Status.DEPRECATED, note='says "quality" & <loses> "high"'),
    GlossaryEntry("高质量发展", ("high-quality development",), Status.PREFERRED),
    GlossaryEntry("今年", (), Status.REJECTED, note="not a term\nsecond line", date="2026-11-21"),
    GlossaryEntry("数字化转型", ("digital transformation",), Status.REJECTED, note="tab\there"),
    GlossaryEntry("科技创新", ("scientific and technological innovation", "S&T innovation"), Status.PREFERRED,
                  note="Ünïcödé — “quotes” 中文"),
))
FORMATS = ("tsv", "tbx", "tbx2", "csv", "json", "xlsx")
EXTENSION = {"tbx2": "tbx"}


class TestRoundTrip:
    """export -> read (and -> import) gives the same glossary back, for every format."""

    @pytest.fixture(params=FORMATS)
    def format_name(self, request) -> str:
        return request.param

    def _path(self, tmp_path: Path, format_name: str) -> Path:
        return tmp_path / f"export.{EXTENSION.get(format_name, format_name)}"

    def test_every_status_and_non_ascii(self, tmp_path: Path, format_name: str):
        path = self._path(tmp_path, format_name)
        written = export_glossary(EVERY_STATUS, path, format_name, include_rejected=True)
        assert written == len(EVERY_STATUS.entries)
        assert read_glossary(path) == sort_glossary(EVERY_STATUS)

    def test_empty_glossary(self, tmp_path: Path, format_name: str):
        path = self._path(tmp_path, format_name)
        export_glossary(Glossary(()), path, format_name)
        assert read_glossary(path) == Glossary(())

    def test_import_into_empty_then_same_again(self, tmp_path: Path, format_name: str):
        path = self._path(tmp_path, format_name)
        export_glossary(EVERY_STATUS, path, format_name, include_rejected=True)
        target = tmp_path / "glossary.tsv"
        summary = import_into(target, [path], today="2026-12-01")
        assert read_glossary(target) == sort_glossary(EVERY_STATUS)
        assert len(summary.added) == 5
        summary = import_into(target, [path], today="2026-12-01")
        assert len(summary.unchanged) == 5 and not summary.changed

    def test_cli_export(self, tmp_path: Path, format_name: str):
        source = tmp_path / "glossary.tsv"
        write_glossary(EVERY_STATUS, source)
        path = self._path(tmp_path, format_name)
        arguments = ["export", str(source), "-o", str(path), "--include-rejected"]
        if format_name == "tbx2":
            arguments += ["--format", "tbx2"]
        result = CliRunner().invoke(cli, arguments)
        assert result.exit_code == 0, result.output
        assert f"{len(EVERY_STATUS.entries)} entries -> {path}" in result.output
        assert read_glossary(path) == read_glossary(source)


@pytest.mark.parametrize("format_name", ["tbx", "tbx2", "csv"])
def test_cat_tool_formats_leave_rejected_out_by_default(tmp_path: Path, format_name: str):
    path = tmp_path / f"export.{EXTENSION.get(format_name, format_name)}"
    written = export_glossary(EVERY_STATUS, path, format_name)
    assert written == 6
    statuses = {entry.status for entry in read_glossary(path).entries}
    assert Status.REJECTED not in statuses and Status.FORBIDDEN in statuses


def test_tbx_v3_structure(tmp_path: Path):
    from lxml import etree

    path = tmp_path / "g.tbx"
    export_glossary(EVERY_STATUS, path)
    root = etree.parse(str(path)).getroot()
    ns = {"t": "urn:iso:std:iso:30042:ed-2", "xml": "http://www.w3.org/XML/1998/namespace"}
    assert root.tag == "{urn:iso:std:iso:30042:ed-2}tbx"
    assert (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    concepts = root.findall(".//t:conceptEntry", ns)
    assert len(concepts) == 6
    statuses = {
        term.findtext("t:term", namespaces=ns): term.findtext("t:termNote[@type='administrativeStatus']",
                                                              namespaces=ns)
        for term in root.iterfind(".//t:langSec[@xml:lang='en-US']/t:termSec", ns)
    }
    assert statuses["Belt and Road Initiative"] == "preferredTerm-admn-sts"
    assert statuses["Belt and Road"] == "admittedTerm-admn-sts"
    assert statuses["OBOR"] == "deprecatedTerm-admn-sts"
    assert statuses["quality development"] == "deprecatedTerm-admn-sts"
    # TBX-Basic allows only these four values
    assert set(statuses.values()) <= {"preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts",
                                      "supersededTerm-admn-sts"}
    first = concepts[0]
    assert first.findtext("t:transacGrp/t:date", namespaces=ns) == "2026-11-20"
    assert first.findtext("t:note", namespaces=ns) == "official name since 2015"
    assert first.findtext(".//t:admin[@type='source']", namespaces=ns) == "report.txt:3"
    variant = first.find("t:langSec[@xml:lang='zh-CN']/t:termSec[2]", ns)
    assert variant.findtext("t:term", namespaces=ns) == "一帶一路"
    assert variant.findtext("t:termNote[@type='termType']", namespaces=ns) == "variant"


def test_translate_toolkit_reads_the_tbx2_export(tmp_path: Path):
    """An independent TBX reader (translate-toolkit, which reads TBX v2 `martif`) finds the terms."""
    from translate.storage import tbx

    path = tmp_path / "g.tbx"
    export_glossary(EVERY_STATUS, path, "tbx2")
    store = tbx.tbxfile.parsefile(str(path))
    pairs = {(unit.source, unit.target) for unit in store.units}
    assert ("一带一路", "Belt and Road Initiative") in pairs
    assert ("一带一路", "One Belt, One Road") in pairs
    assert ("科技创新", "scientific and technological innovation") in pairs
    assert len(store.units) == 6


def test_foreign_tbx_v2_with_ntig_and_other_languages(tmp_path: Path):
    path = tmp_path / "foreign.tbx"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry id="a"><langSet xml:lang="zh-Hans"><ntig><termGrp><term>財政</term></termGrp></ntig></langSet>
 <langSet xml:lang="en"><ntig><termGrp><term>public   finance</term>
   <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termGrp></ntig></langSet></termEntry>
<termEntry id="b"><langSet xml:lang="de"><tig><term>Steuer</term></tig></langSet>
 <langSet xml:lang="en"><tig><term>tax</term></tig></langSet></termEntry>
<termEntry id="c"><langSet xml:lang="zh"><tig><term>税收</term></tig></langSet>
 <langSet xml:lang="en-GB"><tig><term>tax revenue</term></tig></langSet></termEntry>
</body></text></martif>""",
        encoding="utf-8",
    )
    assert read_glossary(path).entries == (
        GlossaryEntry("税收", ("tax revenue",), Status.PREFERRED),
        GlossaryEntry("财政", ("public finance",), Status.PREFERRED, variants=("財政",)),
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('<?xml version="1.0"?><tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="c1">',
         "malformed TBX"),
        ("<glossary/>", "not a TBX file"),
        ('<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry><langSec xml:lang="zh"><termSec>'
         "<term>财政</term></termSec></langSec><langSec xml:lang=\"en\"><termSec><term>finance</term>"
         '<termNote type="administrativeStatus">approved</termNote></termSec></langSec></conceptEntry>'
         "</body></text></tbx>", "unknown administrativeStatus 'approved'"),
    ],
)
def test_bad_tbx_is_refused_with_line(tmp_path: Path, text: str, fragment: str):
    path = tmp_path / "bad.tbx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError, match=fragment) as caught:
        read_glossary(path)
    assert caught.value.path == str(path)
    assert caught.value.line


def test_tbx_entities_are_not_expanded(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    path = tmp_path / "evil.tbx"
    path.write_text(
        f"""<?xml version="1.0"?>
<!DOCTYPE tbx [<!ENTITY leak SYSTEM "file://{secret}">]>
<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="c1">
<langSec xml:lang="zh"><termSec><term>财政</term></termSec></langSec>
<langSec xml:lang="en"><termSec><term>finance &leak;</term></termSec></langSec>
</conceptEntry></body></text></tbx>""",
        encoding="utf-8",
    )
    try:
        glossary = read_glossary(path)
    except GlossaryError:
        return  # refusing the document is fine too
    assert "SECRET" not in repr(glossary)


def test_csv_layout_for_cat_tools(tmp_path: Path):
    path = tmp_path / "g.csv"
    export_glossary(EVERY_STATUS, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["zh-CN", "en-US", "Status", "Note", "Variants", "Reference", "Date"]
    assert ["一带一路", "Belt and Road Initiative|BRI", "preferred", "official name since 2015", "一帶一路",
            "report.txt:3", "2026-11-20"] in rows


def test_csv_with_reordered_columns_and_bad_rows(tmp_path: Path):
    path = tmp_path / "g.csv"
    path.write_text("Status,en-US,zh-CN\npreferred,public finance | finance,财政\n", encoding="utf-8")
    assert read_glossary(path).entries == (GlossaryEntry("财政", ("public finance", "finance"), Status.PREFERRED),)
    path.write_text("zh-CN,en-US,Status\n财政,finance,preferred\n税收,tax,sometimes\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"g\.csv:3: unknown status 'sometimes'"):
        read_glossary(path)
    path.write_text("zh-CN,English,Status\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="unknown column 'english'"):
        read_glossary(path)
    path.write_text("zh-CN,Status\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="missing column 'en-US'"):
        read_glossary(path)


def test_json_and_xlsx_errors_name_entry_and_row(tmp_path: Path):
    path = tmp_path / "g.json"
    path.write_text('{"entries": [{"source": "财政", "targets": ["finance"], "status": "preferred"},'
                    ' {"source": "财政", "targets": "x", "status": "preferred"}]}', encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"entry 2\): 'targets' must be a list"):
        read_glossary(path)
    path.write_text('{"entries": [', encoding="utf-8")
    with pytest.raises(GlossaryError, match="not valid JSON"):
        read_glossary(path)
    from openpyxl import load_workbook

    xlsx = tmp_path / "g.xlsx"
    export_glossary(EVERY_STATUS, xlsx)
    workbook = load_workbook(xlsx)
    workbook["Glossary"]["D3"] = "approved"
    workbook.save(xlsx)
    with pytest.raises(GlossaryError, match=r"sheet Glossary, row 3\): unknown status 'approved'"):
        read_glossary(xlsx)


def test_export_unknown_format(tmp_path: Path):
    with pytest.raises(FormatError, match="cannot tell"):
        export_glossary(EVERY_STATUS, tmp_path / "g.docx")
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "missing.tsv"), "-o", str(tmp_path / "x.tbx")])
    assert result.exit_code != 0
