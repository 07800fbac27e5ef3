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


def main() -> None:
    cli(prog_name="termsieve")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
