"""The ``layout`` command.

Every command turns a :class:`LayoutError` into one line per problem on stderr and exit code
2; output goes to stdout or ``-o FILE``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from layout.article import Article
from layout.cli_gifts import gift_app
from layout.cli_output import fail, guarded, write_output
from layout.corpus.check import AUDIENCES, DEVICES, check_article, viewer_matrix
from layout.corpus.discover import find_articles
from layout.corpus.impact import impact_json, impact_report, impact_text
from layout.corpus.reports import check_json, check_junit, check_text
from layout.engine import Engine
from layout.errors import LayoutError
from layout.ingest.sources import load_article
from layout.limits import DEFAULT_BODY_LIMIT
from layout.render.dump import dump_plan
from layout.rules import DEFAULT_RULES_PATH, RuleSet, load_rules
from layout.serve.article_cache import DEFAULT_ARTICLE_CACHE_MB
from layout.serve.pool import DEFAULT_RENDER_QUEUE, DEFAULT_RENDER_THREADS
from layout.serve.server import ServeSettings
from layout.serve.server import serve as run_server
from layout.version import __version__
from layout.viewer import Viewer

app = typer.Typer(
    name="layout",
    help="Ad-slot and paywall page layout for news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(gift_app, name="gift")


class DeviceOption(StrEnum):
    mobile = "mobile"
    desktop = "desktop"


class AudienceOption(StrEnum):
    anonymous = "anonymous"
    registered = "registered"
    subscriber = "subscriber"


class FormatOption(StrEnum):
    html = "html"
    fragment = "fragment"
    json = "json"


class SchemaName(StrEnum):
    article = "article"
    rules = "rules"


InputArg = Annotated[Path, typer.Argument(help="Article JSON, or body HTML (+ NAME.meta.json).")]
TemplatesOpt = Annotated[
    Path | None, typer.Option("--templates", help="Theme directory searched before the default.")
]
RulesOpt = Annotated[
    Path | None, typer.Option("--rules", help="Rule file (YAML or JSON); default: built-in.")
]
DeviceOpt = Annotated[DeviceOption, typer.Option("--device", help="Device profile.")]
AudienceOpt = Annotated[AudienceOption, typer.Option("--audience", help="Reader audience.")]


def _engine(rules: Path | None, templates: Path | None = None) -> Engine:
    if templates is not None and not templates.is_dir():
        fail([f"{templates}: --templates expects a directory; found none there"])
    ruleset = guarded(lambda: load_rules(rules, development=True))
    # The CLI is a local tool: metering uses the development secret unless one is set.
    return guarded(lambda: Engine(ruleset, templates=templates, development=True))


@app.command()
def render(
    input: InputArg,
    rules: RulesOpt = None,
    device: DeviceOpt = DeviceOption.mobile,
    audience: AudienceOpt = AudienceOption.anonymous,
    meter: Annotated[str | None, typer.Option("--meter", help="The reader's meter token.")] = None,
    gift: Annotated[str | None, typer.Option("--gift", help="A gift link's token.")] = None,
    format: Annotated[
        FormatOption, typer.Option("--format", help="Output format.")
    ] = FormatOption.html,
    templates: TemplatesOpt = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
    instance: Annotated[str | None, typer.Option(
        "--instance", help="Prefix of the element ids (default: from the article's id)."
    )] = None,
) -> None:
    """Render an article as a page, a fragment or the layout plan JSON."""
    engine = _engine(rules, templates)
    article: Article = guarded(lambda: load_article(input))
    viewer = Viewer(device=device.value, audience=audience.value, meter=meter, gift=gift)
    result = guarded(
        lambda: engine.render(article, viewer, format=format.value, instance=instance)
    )
    if format is FormatOption.json:
        write_output(json.dumps(result.plan, indent=2, ensure_ascii=False) + "\n", output)
    else:
        write_output(result.html, output)


@app.command()
def schema(name: Annotated[SchemaName, typer.Argument(help="article or rules")]) -> None:
    """Print the JSON Schema of the article or rule-set format."""
    model = Article if name is SchemaName.article else RuleSet
    typer.echo(json.dumps(model.model_json_schema(), indent=2))


@app.command()
def explain(
    input: InputArg,
    rules: RulesOpt = None,
    device: DeviceOpt = DeviceOption.mobile,
    audience: AudienceOpt = AudienceOption.anonymous,
) -> None:
    """Print every gap with its neighbours, offsets, and each unit placed or rejected."""
    engine = _engine(rules)
    article: Article = guarded(lambda: load_article(input))
    plan = engine.plan(article, Viewer(device=device.value, audience=audience.value))
    typer.echo(dump_plan(plan, engine.rules.name), nl=False)


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


def _rules_source(path: Path | None) -> tuple[str, str]:
    """(text, name) of a rule file, validated, for workers that parse it themselves."""
    target = path if path is not None else DEFAULT_RULES_PATH
    ruleset = guarded(lambda: load_rules(target, development=True))
    return target.read_text(encoding="utf-8"), f"{target}#{ruleset.name}"


@app.command()
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Articles or folders.")] = None,
    rules: RulesOpt = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Compare against this rule file.")
    ] = None,
    device: Annotated[list[DeviceOption] | None, typer.Option("--device")] = None,
    audience: Annotated[list[AudienceOption] | None, typer.Option("--audience")] = None,
    update: Annotated[bool, typer.Option("--update", help="Rewrite the golden plans.")] = False,
    format: Annotated[CheckFormat, typer.Option("--format")] = CheckFormat.text,
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1)] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="Dask scheduler address.")] = None,
) -> None:
    """Check articles against golden plans, or report a rule change's impact (--baseline)."""
    viewers = viewer_matrix(
        tuple(d.value for d in device) if device else DEVICES,
        tuple(a.value for a in audience) if audience else AUDIENCES,
    )
    found = guarded(lambda: find_articles(paths or [Path("samples")]))
    if baseline is not None:
        new, old = _rules_source(rules), _rules_source(baseline)
        report = guarded(
            lambda: impact_report(found, new, old, viewers, workers=workers, dask_address=dask)
        )
        write_output(
            impact_json(report) if format is CheckFormat.json else impact_text(report), output
        )
        return
    engine = _engine(rules)
    results, problems = [], []
    for path in found:
        try:
            results.append(check_article(path, engine, viewers, update=update))
        except LayoutError as error:
            problems.extend(error.lines())
    if problems:
        fail(problems)
    render_report = {
        CheckFormat.text: check_text,
        CheckFormat.json: check_json,
        CheckFormat.junit: check_junit,
    }[format]
    write_output(render_report(results), output)
    if not all(result.ok for result in results):
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1)] = 1,
    rules_dir: Annotated[Path | None, typer.Option("--rules-dir", help="Named rule sets.")] = None,
    dev: Annotated[
        bool, typer.Option("--dev", help="Development mode (no Secure cookie, dev meter secret).")
    ] = False,
    body_limit: Annotated[int, typer.Option("--body-limit", min=1024)] = DEFAULT_BODY_LIMIT,
    article_cache_mb: Annotated[
        int,
        typer.Option(
            "--article-cache-mb", min=0, help="Estimated memory of cached articles, per worker."
        ),
    ] = DEFAULT_ARTICLE_CACHE_MB,
    render_threads: Annotated[
        int, typer.Option("--render-threads", min=1, help="Render threads per worker.")
    ] = DEFAULT_RENDER_THREADS,
    render_queue: Annotated[
        int,
        typer.Option("--render-queue", min=0, help="Renders waiting per worker before a 503."),
    ] = DEFAULT_RENDER_QUEUE,
    echo: Annotated[bool, typer.Option("--echo", help="Add POST /v1/echo (benchmarks).")] = False,
) -> None:
    """Serve the HTTP API (needs LAYOUT_METER_SECRET unless --dev)."""
    if rules_dir is not None and not rules_dir.is_dir():
        fail([f"{rules_dir}: --rules-dir expects a directory; found none there"])
    settings = ServeSettings(
        rules_dir=rules_dir,
        development=dev,
        body_limit=body_limit,
        echo=echo,
        article_cache_mb=article_cache_mb,
        render_threads=render_threads,
        render_queue=render_queue,
    )
    guarded(lambda: run_server(host, port, workers, settings))


@app.command()
def preview(
    paths: Annotated[list[Path] | None, typer.Argument(help="Articles or folders.")] = None,
    rules: RulesOpt = None,
    templates: TemplatesOpt = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8001,
) -> None:
    """Preview layouts in device frames with an explain overlay and live reload."""
    import uvicorn

    from layout.preview.app import create_preview_app

    found = paths or [Path("samples")]
    guarded(lambda: find_articles(found))
    app_ = create_preview_app(found, rules=rules, templates=templates)
    typer.echo(f"layout preview on http://{host}:{port}/", err=True)
    uvicorn.run(app_, host=host, port=port, log_level="warning")


@app.callback(invoke_without_command=True)
def _options(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)
    ] = False,
) -> None:
    """Ad-slot and paywall page layout for news articles."""
    if version:
        typer.echo(f"layout {__version__}")
        raise typer.Exit(0)


def main() -> None:
    app()
