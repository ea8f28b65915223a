"""Reading and parsing an HTTP API request: the body within its limit, the media type,
the JSON and the render request model.

Reading the body is the only part that awaits (it stays on the event loop); decoding and
validating it is CPU work, which the app runs in its render pool. Every function here
answers bad input with a problem+json response, never an exception that would be a 500.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from layout.engine import NONCE
from layout.html.text import scrub
from layout.html.values import ascii_int
from layout.limits import document_problem, too_deep_problem
from layout.locate import problems_from_validation
from layout.plan import INSTANCE
from layout.serve.problems import problem_response
from layout.viewer import Viewer

RULES_MEDIA_TYPES = ("application/json", "application/yaml", "text/yaml", "application/x-yaml")


class RenderRequest(BaseModel):
    """What to render, with which rules, for whom."""

    model_config = ConfigDict(extra="forbid")

    article: dict[str, Any] | None = Field(None, description="article JSON (layout schema article)")
    article_html: str | None = Field(None, description="body HTML, instead of article")
    meta: dict[str, Any] | None = Field(None, description="metadata for article_html")
    rules: dict[str, Any] | None = Field(None, description="an inline rule set")
    ruleset: str | None = Field(None, description="the name of a rule set in --rules-dir")
    viewer: Viewer = Field(default_factory=Viewer)
    format: Literal["html", "fragment", "json"] | None = None
    nonce: str | None = Field(
        None, pattern=f"^{NONCE.pattern}$",
        description="the page's content-security-policy nonce, for its scripts",
    )
    instance: str | None = Field(
        None, pattern=f"^{INSTANCE.pattern}$",
        description="the prefix of the element ids (several articles on one page each need "
        "their own); by default derived from the article's id",
    )

    @model_validator(mode="after")
    def _one_of_each(self) -> RenderRequest:
        """One article and one rule set: a request naming two of either is ambiguous."""
        if self.article is not None and self.article_html is not None:
            raise ValueError("one of article or article_html, not both")
        if self.rules is not None and self.ruleset is not None:
            raise ValueError("one of rules or ruleset, not both")
        return self


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused as soon as it (or its declared length) passes ``limit``."""
    declared = ascii_int(request.headers.get("content-length"))
    if declared is not None and declared > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def read_limited(request: Request, limit: int) -> bytes | Response:
    """The body, or the 413 problem when it is over ``limit``."""
    try:
        return await read_body(request, limit)
    except BodyTooLarge:
        return problem_response(413, f"the body is over the limit of {limit} bytes")


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def wants_json(accept: str) -> bool:
    """Whether an Accept header prefers the plan JSON to the page."""
    return "application/json" in accept and "text/html" not in accept.split(",")[0]


def parse_json_body(raw: bytes) -> Any | Response:
    """The body as JSON with its text scrubbed, or the problem saying why not: 400 for
    what is not JSON, 422 for a document over the document limits."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        return _over_limit(too_deep_problem().message)
    except (UnicodeDecodeError, ValueError) as error:
        return problem_response(400, f"the body is not valid JSON ({error})")
    over = document_problem(data)
    if over is not None:
        return _over_limit(over.message)
    return scrub(data)


def _over_limit(message: str) -> Response:
    return problem_response(422, f"body: {message}", slug="over-limit",
                            errors=[{"location": "body", "message": message}])


Model = TypeVar("Model", bound=BaseModel)


def parse_request(raw: bytes, model: type[Model]) -> Model | Response:
    """The request in ``raw`` as ``model``, or the 400/422 problem that refuses it."""
    parsed = parse_json_body(raw)
    if isinstance(parsed, Response):
        return parsed
    try:
        return model.model_validate(parsed)
    except ValidationError as error:
        return validation_problem(error)


def parse_render_request(raw: bytes) -> RenderRequest | Response:
    """The render request in ``raw``, or the 400/422 problem that refuses it."""
    return parse_request(raw, RenderRequest)


def validation_problem(error: ValidationError) -> Response:
    items = [
        {"location": p.location or "body", "message": p.message}
        for p in problems_from_validation(error, None)
    ]
    detail = "; ".join(f"{i['location']}: {i['message']}" for i in items)
    return problem_response(422, detail, slug="invalid-request", errors=items)
