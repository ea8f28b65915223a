"""Schemathesis against the real server's /openapi.json, over loopback.

Every generated request must get an answer that is not a server error, whose status code
the schema documents and whose body matches the documented schema.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import report
from tests.support.corpus import SAMPLES
from tests.support.server import RunningServer, running_server

MAX_EXAMPLES = 30
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("rules")
    for path in (SAMPLES / "rules").glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    with running_server("--rules-dir", str(folder)) as running:
        yield running


@pytest.fixture(scope="module")
def served_document(server: RunningServer) -> dict[str, Any]:
    response = httpx.get(server.url + "/openapi.json", timeout=30)
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


# --- the document itself -------------------------------------------------------------------


def _refs(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield where, value
            else:
                yield from _refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{where}/{index}")


def _resolves(document: dict[str, Any], ref: str) -> bool:
    if not ref.startswith("#/"):
        return False
    node: Any = document
    for step in ref[2:].split("/"):
        step = step.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or step not in node:
            return False
        node = node[step]
    return True


def test_every_ref_in_the_openapi_document_resolves(served_document: dict[str, Any]) -> None:
    """A local ``$ref`` in an OpenAPI 3.1 document points into the document's root."""
    refs = list(_refs(served_document))
    broken = sorted({(ref, where) for where, ref in refs if not _resolves(served_document, ref)})
    report(f"openapi $refs: {len(refs)} found, {len(broken)} unresolvable")
    assert broken == [], "\n".join(f"{ref} (at {where})" for ref, where in broken)


def test_schemathesis_sees_the_documented_render_body(server: RunningServer) -> None:
    """Loaded as served, the render operation must have its JSON request body."""
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    media_types = [body.media_type for body in schema["/v1/render"]["POST"].body]
    assert media_types == ["application/json"]


def test_every_post_operation_documents_its_request_body(
    served_document: dict[str, Any],
) -> None:
    missing = [
        path
        for path, operations in served_document["paths"].items()
        if "post" in operations and "requestBody" not in operations["post"]
    ]
    assert missing == []


# --- fuzzing -------------------------------------------------------------------------------


def _hoist_local_defs(document: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The document with nested pydantic ``$defs`` moved to components/schemas.

    The served document has ``#/$defs/...`` refs that do not resolve (see the test above);
    schemathesis then silently drops the render request body. Moving them lets the fuzzing
    exercise the server against the schema as intended; a correct document is unchanged.
    """
    text = json.dumps(document)
    moved = text.count('"#/$defs/')
    fixed: dict[str, Any] = json.loads(text.replace('"#/$defs/', '"#/components/schemas/'))
    schemas = fixed.setdefault("components", {}).setdefault("schemas", {})

    def hoist(node: Any) -> None:
        if isinstance(node, dict):
            for name, definition in node.pop("$defs", {}).items():
                assert schemas.get(name, definition) == definition, name
                schemas[name] = definition
            for value in node.values():
                hoist(value)
        elif isinstance(node, list):
            for value in node:
                hoist(value)

    hoist(fixed["paths"])
    return fixed, moved


@pytest.fixture(scope="module")
def schema(served_document: dict[str, Any]) -> Any:
    fixed, moved = _hoist_local_defs(served_document)
    report(f"schemathesis: {moved} '#/$defs/' refs re-pointed to components/schemas")
    loaded = schemathesis.openapi.from_dict(fixed)
    assert [body.media_type for body in loaded["/v1/render"]["POST"].body] == ["application/json"]
    return loaded


def _failure_text(error: BaseException) -> str:
    return str(error).strip()[:2000]


def _fuzz(operation: Any, mode: Any, base_url: str) -> tuple[int, list[str], dict[int, int]]:
    ran = 0
    failures: list[str] = []
    statuses: dict[int, int] = {}

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal ran
        ran += 1
        response = case.call(base_url=base_url, timeout=30)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as error:
            failures.append(f"{operation.label} {mode.value}: {_failure_text(error)}")

    run()
    return ran, failures, statuses


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis_fuzzing_finds_no_failures(
    schema: Any, server: RunningServer, mode: str
) -> None:
    generation = schemathesis.GenerationMode(mode)
    operations = _operations(schema)
    assert len(operations) == 6
    if generation is schemathesis.GenerationMode.NEGATIVE:
        # Without parameters or a body there is nothing to make invalid.
        operations = [op for op in operations if list(op.body)]
        assert operations
    total, failures = 0, []
    for operation in operations:
        ran, found, statuses = _fuzz(operation, generation, server.url)
        assert ran > 0, operation.label
        total += ran
        failures += found
        report(
            f"schemathesis {mode} {operation.label}: {ran} examples, {len(found)} failures, "
            f"statuses {dict(sorted(statuses.items()))}"
        )
    report(f"schemathesis {mode}: {total} examples, {len(failures)} failures")
    assert failures == [], "\n\n".join(failures[:10])


def _sample_bodies() -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    viewers = [
        {},
        {"audience": "subscriber", "device": "desktop"},
        {"audience": "registered", "consent": False},
        {"verified_crawler": True},
    ]
    formats = ["html", "fragment", "json"]
    articles = sorted((SAMPLES / "articles").glob("*.json"))
    for index, path in enumerate(articles):
        data = json.loads(path.read_text(encoding="utf-8"))
        body: dict[str, Any] = {
            "article": data,
            "viewer": viewers[index % len(viewers)],
            "format": formats[index % len(formats)],
        }
        if index % 3 == 1:
            body["ruleset"] = "ad-heavy" if index % 2 else "subscriber"
        bodies.append(body)
    for path in sorted((SAMPLES / "html").glob("*.html")):
        meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
        bodies.append({"article_html": path.read_text(encoding="utf-8"), "meta": meta})
    return bodies


def test_sample_renders_conform_to_the_schema(schema: Any, server: RunningServer) -> None:
    """Successful renders (and their 304s) in every format, through the same checks."""
    operation = schema["/v1/render"]["POST"]
    failures, ran, statuses = [], 0, {}
    for body in _sample_bodies():
        case = operation.Case(body=body, media_type="application/json")
        response = case.call(base_url=server.url, timeout=30)
        assert response.status_code == 200, response.text[:300]
        cached = operation.Case(
            body=body,
            media_type="application/json",
            headers={"If-None-Match": response.headers["etag"][0]},
        )
        for each, answer in ((case, response), (cached, cached.call(base_url=server.url))):
            ran += 1
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            try:
                each.validate_response(answer, checks=CHECKS)
            except (AssertionError, BaseExceptionGroup) as error:
                failures.append(_failure_text(error))
    assert statuses.get(304) == ran // 2
    report(f"schemathesis sample renders: {ran} cases, {len(failures)} failures")
    assert failures == [], "\n\n".join(failures[:10])
