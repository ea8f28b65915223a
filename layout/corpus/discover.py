"""Finding article files under paths: article JSON and body HTML, nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from layout.errors import InputError, Problem

ARTICLE_SUFFIXES = (".json", ".html", ".htm")
_NOT_ARTICLES = (".meta.json", ".layout.txt", "-metadata.json")


def is_article_file(path: Path) -> bool:
    name = path.name
    return path.suffix.lower() in ARTICLE_SUFFIXES and not name.endswith(_NOT_ARTICLES)


def find_articles(paths: Iterable[Path]) -> list[Path]:
    """Article files named directly or found below directories, sorted, no duplicates."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if candidate.is_file() and is_article_file(candidate):
                    found[candidate] = None
        elif path.is_file():
            found[path] = None
        else:
            raise InputError(str(path), [Problem("", "no such file or directory")])
    return list(found)
