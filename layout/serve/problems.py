"""RFC 9457 problem details: every error the HTTP API returns has this one shape."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from layout.errors import LayoutError

PROBLEM_TYPE = "application/problem+json"

_TITLES = {
    400: "Malformed request",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    500: "Internal error",
    503: "Service unavailable",
}


class ProblemItem(BaseModel):
    location: str
    message: str
    line: int | None = None
    column: int | None = None


class Problem(BaseModel):
    """The problem+json body (documented in the OpenAPI schema)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] = []


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The problem+json response; ``headers`` adds to it (a 503's Retry-After, say)."""
    body = Problem(
        type=f"urn:layout:problem:{slug or _TITLES.get(status, 'error').lower().replace(' ', '-')}",
        title=_TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        errors=[ProblemItem(**item) for item in errors or []],
    )
    return JSONResponse(
        body.model_dump(), status_code=status, media_type=PROBLEM_TYPE, headers=headers
    )


def layout_error_response(error: LayoutError, prefix: str, slug: str) -> JSONResponse:
    """A 422 naming every problem of an article or rule set, with its field path."""
    items = [
        {
            "location": ".".join(filter(None, (prefix, p.location))) or "body",
            "message": p.message,
            "line": p.line,
            "column": p.column,
        }
        for p in error.problems
    ]
    detail = "; ".join(f"{item['location']}: {item['message']}" for item in items)
    return problem_response(422, detail, slug=slug, errors=items)
