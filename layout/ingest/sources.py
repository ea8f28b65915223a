"""Reading articles from files or text: article JSON, or body HTML plus a sidecar.

Every failure becomes an :class:`InputError` naming the file, the place and what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from layout.article import Article, article_from_data
from layout.errors import InputError, Problem
from layout.ingest.ans import article_from_ans, is_ans
from layout.ingest.body import ingest_html
from layout.limits import (
    DEFAULT_LIMITS,
    LimitError,
    Limits,
    document_problem,
    too_deep_problem,
)
from layout.locate import problems_from_validation

HTML_SUFFIXES = frozenset({".html", ".htm"})


def meta_path_for(html_path: Path) -> Path:
    """Where a body HTML file's optional metadata lives: NAME.meta.json beside it."""
    return html_path.with_name(html_path.stem + ".meta.json")


@dataclass(frozen=True)
class ArticleSource:
    """An article's files as text: what a worker anywhere needs to ingest it (a Dask
    worker on another machine has the text, not the path). ``meta_text`` is the body
    HTML's sidecar, None for article JSON."""

    name: str
    text: str
    meta_text: str | None = None

    @property
    def is_html(self) -> bool:
        return self.meta_text is not None


def read_source(path: str | Path) -> ArticleSource:
    """An article file's text, and for body HTML its NAME.meta.json (``{}`` without one)."""
    path = Path(path)
    text = read_text(path)
    if path.suffix.lower() in HTML_SUFFIXES:
        meta_path = meta_path_for(path)
        meta_text = read_text(meta_path) if meta_path.exists() else "{}"
        return ArticleSource(str(path), text, meta_text)
    return ArticleSource(str(path), text)


def article_from_source(source: ArticleSource) -> Article:
    """The article of a source, with the errors ``load_article`` gives for its files."""
    path = Path(source.name)
    if source.meta_text is None:
        return article_from_json(source.text, source=source.name, default_id=path.stem)
    meta_source = str(meta_path_for(path))
    meta = parse_json(source.meta_text, meta_source)
    try:
        return article_from_html(source.text, meta, source=meta_source, default_id=path.stem,
                                 meta_text=source.meta_text)
    except LimitError as error:
        raise LimitError(source.name, error.problems) from None


def load_article(path: str | Path) -> Article:
    """Load an article JSON file, or a body HTML file with its optional NAME.meta.json."""
    return article_from_source(read_source(path))


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), [Problem("", "file not found")]) from None
    except UnicodeDecodeError as error:
        where = f"byte {error.start}"
        raise InputError(
            str(path), [Problem("", f"expected UTF-8 text; found an invalid {where}")]
        ) from None
    except OSError as error:
        raise InputError(
            str(path), [Problem("", f"cannot read the file ({error.strerror})")]
        ) from None


def parse_json(text: str, source: str) -> Any:
    """Decoded JSON; an InputError for text that is not JSON, a LimitError for a document
    over the document limits (``limits.document_problem``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        at = Problem("", f"invalid JSON: {error.msg}", line=error.lineno, column=error.colno)
        raise InputError(source, [at]) from None
    except RecursionError:
        raise LimitError(source, [too_deep_problem()]) from None
    except ValueError as error:  # an integer of more digits than Python converts
        raise InputError(source, [Problem("", f"invalid JSON: {error}")]) from None
    over = document_problem(data)
    if over is not None:
        raise LimitError(source, [over])
    return data


def article_from_json(text: str, *, source: str, default_id: str = "article") -> Article:
    """An article from JSON text (article JSON or an ANS story); ``source`` names it in
    errors, ``default_id`` is the id of an ANS story without one."""
    data = parse_json(text, source)
    if not isinstance(data, dict):
        found = type(data).__name__
        raise InputError(source, [Problem("", f"expected a JSON object; found {found}", line=1)])
    if is_ans(data):
        return article_from_ans(data, source=source, default_id=default_id, text=text)
    try:
        return article_from_data(data)
    except ValidationError as error:
        raise InputError(source, problems_from_validation(error, text)) from None


def article_from_data_checked(data: Any, *, source: str) -> Article:
    """An article from already-parsed JSON data (an API request body)."""
    if not isinstance(data, dict):
        raise InputError(source, [Problem("", f"expected an object; found {type(data).__name__}")])
    if is_ans(data):
        return article_from_ans(data, source=source)
    try:
        return article_from_data(data)
    except ValidationError as error:
        raise InputError(source, problems_from_validation(error, None)) from None


def article_from_html(
    html: str,
    meta: Any,
    *,
    source: str,
    default_id: str = "article",
    meta_text: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Article:
    """An article from body HTML and metadata (a dict, possibly empty)."""
    if not isinstance(meta, dict):
        raise InputError(source, [Problem("", "expected a JSON object of metadata", line=1)])
    if "blocks" in meta:
        raise InputError(
            source, [Problem("blocks", "unknown field in metadata (the body is the HTML)")]
        )
    try:
        return ingest_html(html, meta, default_id=default_id, limits=limits)
    except LimitError as error:
        raise LimitError(source, error.problems) from None
    except ValidationError as error:
        raise InputError(source, problems_from_validation(error, meta_text)) from None
