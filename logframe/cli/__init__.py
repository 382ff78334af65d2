"""The ``logframe`` command line (``logframe.cli:app``): one module per group of commands.

- :mod:`logframe.cli.records`: ``stats``, ``report``, ``query`` (``--follow``: :mod:`logframe.cli.follow`), ``convert``
- :mod:`logframe.cli.analysis`: ``hist`` (drawn by :mod:`logframe.cli.histogram`), ``patterns``, ``top``, ``compare``
- :mod:`logframe.cli.service`: ``ingest``, ``retention``, ``alerts test``, ``serve``

Every reading command takes ``--since``/``--from``/``--to`` (and most ``--where``); a bad argument exits
with code 2 and one ``error:`` line; output cut short by a closed pipe (``| head``) exits 0 quietly.

Examples
--------
::

    logframe stats sample_logs.txt
    logframe query sample_logs.txt --where "level='ERROR' & tenant='company-b'" --format csv -o errors.csv
    logframe query app.log --where "level>='WARNING'" --follow
    logframe hist sample_logs.txt --by level
    logframe patterns sample_logs.txt --where "level='ERROR'"
    logframe top sample_logs.txt tenant
    logframe compare sample_logs.txt --at 16:40 --window 30m
    logframe report 'logs/*.jsonl.gz' --json
    logframe convert 'logs/*.jsonl.gz' -o parquet/
    kubectl logs deploy/backend | logframe stats -
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # typer 0.2x vendors click as typer._click
    from typer._click import exceptions as _errors
except ImportError:  # pragma: no cover - older typer, on click itself
    from click import exceptions as _errors  # type: ignore[no-redef]

import logframe
from logframe.cli import analysis, records, service


class _Commands(TyperGroup):
    """The command group: a usage error is one ``error:`` line (exit 2).

    A reader that closes the pipe early (``| head``) ends the command quietly, with exit code 0.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except _errors.NoArgsIsHelpError as error:
            if not standalone_mode:
                raise
            error.show()
            sys.exit(error.exit_code)
        except _errors.ClickException as error:
            if not standalone_mode:
                raise
            usage = isinstance(error, _errors.UsageError) and error.ctx is not None
            where = f" (see '{error.ctx.command_path} --help')" if usage else ""  # type: ignore[attr-defined]
            message = " ".join(error.format_message().split())
            typer.echo(f"error: {message}{where}", err=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)  # so the final flush at exit does not fail again
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(0) from None


app = typer.Typer(
    cls=_Commands,
    help="Analyse Kubernetes/CloudWatch application logs: stats, queries, histograms, patterns and parse reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"logframe {logframe.__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Analyse Kubernetes/CloudWatch application logs: stats, queries, histograms, patterns and parse reports."""


app.command()(records.stats)
app.command()(records.report)
app.command()(records.query)
app.command()(records.convert)
app.command()(analysis.hist)
app.command()(analysis.patterns)
app.command()(analysis.top)
app.command()(analysis.compare)
app.command()(service.ingest)
app.command()(service.retention)
app.command()(service.serve)
alerts_app = typer.Typer(help="Alert rules: test them against a log file before deploying them.", no_args_is_help=True)
alerts_app.command("test")(service.alerts_test)
app.add_typer(alerts_app, name="alerts")


def main() -> None:
    """Entry point of the ``logframe`` command."""
    app()


__all__ = ["app", "main"]
