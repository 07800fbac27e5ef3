"""Command-line interface: parses options, calls the library, formats output. Nothing else."""

from __future__ import annotations

import sys

import click

from . import __version__
from .errors import TermsieveError


class _Group(click.Group):
    """Turns library errors into `Error: ...` and their exit code, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TermsieveError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="termsieve")
def cli() -> None:
    """Bilingual Chinese-English terminology: extract, review, check."""


# --- extract ---


def _encoding_option(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from .readers._common import check_encoding

    try:
        return check_encoding(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the term list: .tsv, .csv, .json or .xlsx (review workbook).")
@click.option("--format", "input_format", default=None,
              help="Input format when the extension does not tell (text, parallel, tsv, csv, xlsx, tmx...).")
@click.option("--source-column", default=None, help="Header of the Chinese column in a TSV/CSV/XLSX input.")
@click.option("--target-column", default=None, help="Header of the English column in a TSV/CSV/XLSX input.")
@click.option("--encoding", default=None, metavar="NAME", callback=_encoding_option,
              help="Encoding of text, TSV and CSV inputs without a byte-order mark, e.g. gb18030 or big5 "
                   "(default UTF-8). TMX and XLSX files declare their own.")
@click.option("--segmenter", type=click.Choice(["jieba", "pkuseg"]), default="jieba", show_default=True,
              help="Chinese word segmenter; pkuseg is more accurate and slower (an install extra).")
@click.option("--terms", "terms_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Align these source terms (one per line, # comments) instead of extracting.")
@click.option("--glossary", "glossary_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A glossary whose terms join the segmenter's dictionary and are marked in the output.")
@click.option("--new-only", is_flag=True, help="Leave out terms the --glossary already has.")
@click.option("--min-termhood", type=click.FloatRange(0, 1), default=None,
              help="Keep candidates at or above this termhood whatever their English (default 0.5).")
@click.option("--max-terms", type=click.IntRange(1), default=None, help="Keep at most this many terms.")
@click.option("--rerank/--no-rerank", default=True, show_default=True,
              help="Order each term's English candidates with the learned re-ranker (trained on government "
                   "work reports); --no-rerank keeps the hand-set scoring's order and scores.")
@click.option("-j", "--jobs", type=click.IntRange(0), default=0, show_default=True,
              help="Processes for matching on large inputs; 0: one per idle core, at most 4. Same output either way.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def extract(inputs, output, input_format, source_column, target_column, encoding, segmenter, terms_file,
            glossary_files, new_only, min_termhood, max_terms, rerank, jobs, quiet) -> None:
    """Extract term pairs from a bilingual corpus (or align given terms with --terms)."""
    from . import api
    from .runtime import paused_gc
    from .writers import write_extraction

    glossary = api.load_glossaries(glossary_files) if glossary_files else None
    options = api.ExtractOptions(
        segmenter=api.Segmenter(segmenter),
        user_words=api.glossary_words(glossary) if glossary else (),
        max_terms=max_terms,
        rerank=rerank,
        jobs=jobs,
        **({"min_termhood": min_termhood} if min_termhood is not None else {}),
    )
    # The review workbook alone is hundreds of thousands of objects; the command ends with the block.
    with paused_gc(freeze_after=True):
        corpus = api.read(inputs, format=input_format, source_column=source_column, target_column=target_column,
                          encoding=encoding)
        if terms_file:
            extraction = api.align_terms(corpus, api.read_term_list(terms_file, encoding), options, progress=not quiet)
        else:
            extraction = api.extract(corpus, options, progress=not quiet)
        write_extraction(extraction, output, glossary=glossary, new_only=new_only)
    if not quiet:
        if corpus.one_sided:
            count = len(corpus.one_sided)
            click.echo(f"note: {count} {'row or unit' if count == 1 else 'rows or units'} with text in one "
                       f"language only gave no pair (first at {corpus.one_sided[0]})", err=True)
        found = sum(1 for term in extraction.terms if term.target)
        click.echo(
            f"{len(extraction.terms)} terms ({found} with an English equivalent) from "
            f"{extraction.pair_count} aligned segments -> {output}",
            err=True,
        )


# --- eval ---


@cli.command(name="eval")
@click.argument("predictions", type=click.Path(exists=True, dir_okay=False))
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Gold list: TSV with header zh, en, kind (direct|free); ' | ' separates accepted renderings.")
@click.option("--for-file", "for_file", default=None,
              help="Use only gold rows whose `file` column names this corpus file (e.g. GR2016.tmx).")
@click.option("--format", "predictions_format", type=click.Choice(["tsv", "csv", "json"]), default=None,
              help="Format of PREDICTIONS when the extension does not tell.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def eval_command(predictions, gold_path, for_file, predictions_format, as_json) -> None:
    """Measure extract output (PREDICTIONS: .tsv, .csv, .json) against a gold list: recall, top-1, top-3.

    Exits 0 whatever the scores; non-zero only for unreadable input.
    """
    import json

    from . import evaluate as ev
    from .errors import InputError

    gold = ev.read_gold(gold_path)
    if for_file:
        gold = ev.gold_for_file(gold, for_file)
        if not gold:
            raise InputError(f"no gold rows with file {for_file!r}", path=gold_path)
    report = ev.evaluate(ev.read_predictions(predictions, predictions_format), gold)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(ev.format_report(report), nl=False)


# --- import ---


@cli.command(name="import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--into", "glossary_path", required=True, type=click.Path(dir_okay=False),
              help="The native glossary (.tsv) to merge into; created when it does not exist.")
@click.option("--date", "decision_date", default=None, metavar="YYYY-MM-DD",
              help="Date recorded for the decisions (default: today).")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
def import_command(sources, glossary_path, decision_date, dry_run) -> None:
    """Merge review workbooks (.xlsx) and glossary files (.tsv .tbx .csv .json .xlsx) into a glossary."""
    import datetime

    from .errors import InputError
    from .review import import_into

    if decision_date:
        try:
            decision_date = datetime.date.fromisoformat(decision_date).isoformat()
        except ValueError:
            raise InputError(f"--date {decision_date!r} is not an ISO date (YYYY-MM-DD)") from None
    summary = import_into(glossary_path, sources, today=decision_date, dry_run=dry_run)
    for label, terms in (("added", summary.added), ("changed", summary.changed)):
        if terms:
            click.echo(f"{label}: {', '.join(terms)}")
    click.echo(f"{glossary_path}: {summary.line()}" + (" (dry run, nothing written)" if dry_run else ""))


# --- export ---


@cli.command(name="export")
@click.argument("glossary_path", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Output file; the format comes from the extension: .tbx .csv .xlsx .json .tsv")
@click.option("--format", "output_format", type=click.Choice(["tbx", "tbx2", "csv", "xlsx", "json", "tsv"]),
              default=None, help="Output format when the extension does not tell; tbx2 is TBX v2 (martif).")
@click.option("--include-rejected", is_flag=True, help="Keep rejected entries in TBX and CSV output.")
def export_command(glossary_path, output, output_format, include_rejected) -> None:
    """Write a glossary as TBX (v3 TBX-Basic), CSV for memoQ/Trados, Excel or JSON."""
    from .glossary import export_glossary, read_glossary

    written = export_glossary(read_glossary(glossary_path), output, output_format, include_rejected=include_rejected)
    click.echo(f"{written} entries -> {output}", err=True)


# --- check ---


@cli.command(name="check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--glossary", "glossary_files", multiple=True, type=click.Path(dir_okay=False),
              help="Glossary to check against (repeatable); added to the configured ones.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Output format of the findings.")
@click.option("--ignore", "ignored", multiple=True,
              type=click.Choice(["missing", "forbidden", "inconsistent", "untranslated"]),
              help="Do not report this finding code (repeatable).")
@click.option("--severity", "severities", multiple=True, metavar="CODE=LEVEL",
              help="Severity of a finding code: error, warning or note (repeatable).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note"]), default=None,
              help="Lowest severity that makes the exit status 1 (default: error; warnings do not fail).")
@click.option("--input-format", default=None,
              help="Input format when the extension does not tell (text, tmx, xliff, po, json, yaml, markdown...).")
@click.option("--encoding", default=None, metavar="NAME", callback=_encoding_option,
              help="Encoding of text, TSV and CSV inputs without a byte-order mark, e.g. gb18030 or big5 "
                   "(default UTF-8).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (default: termsieve.toml or pyproject.toml found upwards).")
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option("--skip-unpaired", is_flag=True,
              help="Skip JSON/YAML/Markdown files that no configured pair names (for pre-commit).")
@click.option("-q", "--quiet", is_flag=True, help="No summary on stderr.")
def check_command(files, glossary_files, output_format, ignored, severities, fail_on, input_format, encoding,
                  config_path, no_config, skip_unpaired, quiet) -> None:
    """Check bilingual FILES against the glossary: missing, forbidden, inconsistent, untranslated.

    Exit status: 0 no failing findings, 1 findings at --fail-on severity or above, 2 usage error,
    3 unreadable input, glossary or configuration. Without FILES, checks every file the
    configuration's pairs name.
    """
    from pathlib import Path

    from . import check
    from .config import CheckConfig, load_config, parse_severity
    from .errors import ConfigError

    config = (CheckConfig(path=None, root=Path.cwd()) if no_config
              else load_config(Path(config_path) if config_path else None))
    severity = dict(config.severity)
    for item in severities:
        code, _, level = item.partition("=")
        if code not in check.CODES:
            raise click.BadParameter(f"{item!r}: CODE is one of {', '.join(check.CODES)}",
                                     param_hint="--severity")
        try:
            severity[code] = parse_severity(level, f"--severity {code}")
        except ConfigError as error:
            raise click.BadParameter(error.message, param_hint="--severity") from None
    glossaries = [*config.glossaries, *(Path(path) for path in glossary_files)]
    if not glossaries:
        raise click.UsageError("no glossary: pass --glossary or set `glossary` in [tool.termsieve]")
    if not files:
        files = tuple(sorted({check._display(path) for rule in config.pairs
                              for path in config.root.glob(rule.source_glob()) if path.is_file()}))
        if not files:
            raise click.UsageError("no FILES given and no configured pairs name any file")
    options = check.CheckOptions(ignore=frozenset(ignored) | config.ignore, severity=severity, encoding=encoding)
    result = check.run_check(files, check.load_glossaries(glossaries), config, options, input_format,
                             skip=glossaries, skip_unpaired=skip_unpaired)
    if output_format == "json":
        click.echo(check.format_json(result), nl=False)
    elif output_format == "sarif":
        click.echo(check.format_sarif(result, options), nl=False)
    else:
        click.echo(check.format_text(result.findings), nl=False)
    if not quiet:
        click.echo(check.summary(result), err=True)
    threshold = check.Severity(fail_on) if fail_on else config.fail_on
    sys.exit(1 if check.fails(result, threshold) else 0)


def main() -> None:
    """The console script. Click ends every command with SystemExit; its code ends the process at once."""
    from .runtime import exit_at_once

    try:
        cli(prog_name="termsieve")
    except SystemExit as ending:
        if ending.code is None or isinstance(ending.code, int):
            exit_at_once(ending.code or 0)
        raise  # a message for the exit: the interpreter prints it


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
