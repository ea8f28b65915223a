"""How the layout command reports: one line per problem on stderr and exit 2 for what
the user got wrong, and output written to a file or to standard output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import typer

from layout.errors import LayoutError

T = TypeVar("T")


def fail(lines: list[str]) -> NoReturn:
    """Print one line per problem on stderr and exit 2."""
    for line in lines:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(2)


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``; a LayoutError becomes exit 2 with one line per problem."""
    try:
        return action()
    except LayoutError as error:
        fail(error.lines())


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail([f"{output}: cannot write the output ({error.strerror})"])
