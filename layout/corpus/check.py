"""``layout check``: render articles for a device x audience matrix and compare with goldens.

Each article's golden plan lives beside it as ``NAME.<rules>.layout.txt``: the readable
plan dumps of every viewer in the matrix, one after the other. A difference is shown as a
unified diff; ``update`` rewrites the golden instead.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from layout.corpus.discover import find_articles
from layout.engine import Engine
from layout.ingest.sources import load_article
from layout.place.violations import violations
from layout.plan import LayoutPlan
from layout.render.dump import dump_plan
from layout.viewer import Audience, Device, Viewer

DEVICES: tuple[Device, ...] = ("mobile", "desktop")
AUDIENCES: tuple[Audience, ...] = ("anonymous", "registered", "subscriber")


def viewer_matrix(
    devices: tuple[Device, ...] = DEVICES, audiences: tuple[Audience, ...] = AUDIENCES
) -> list[Viewer]:
    return [Viewer(device=d, audience=a) for d in devices for a in audiences]


@dataclass
class PlanSummary:
    """What one plan did, for the report."""

    device: str
    audience: str
    units: list[str]
    density: float
    violations: list[str]


@dataclass
class ArticleCheck:
    path: Path
    golden: Path
    status: str  # "match", "changed", "new", "updated"
    diff: str = ""
    plans: list[PlanSummary] = field(default_factory=list)

    @property
    def violations(self) -> list[str]:
        return [f"{p.device}/{p.audience}: {v}" for p in self.plans for v in p.violations]

    @property
    def ok(self) -> bool:
        return self.status in ("match", "updated") and not self.violations


def golden_path(article: Path, rules_name: str) -> Path:
    return article.with_name(f"{article.stem}.{rules_name}.layout.txt")


def summarize(plan: LayoutPlan, engine: Engine) -> PlanSummary:
    units = [f"{unit.id}@{unit.gap}" for unit in plan.units]
    return PlanSummary(
        plan.viewer.device,
        plan.viewer.audience,
        units,
        plan.metrics["ad_density"],
        violations(plan, engine.rules),
    )


def _sections(dump: str) -> dict[str, str]:
    """A golden file split into its per-viewer dumps, keyed by "device audience"."""
    sections: dict[str, str] = {}
    for part in dump.split("\narticle: "):
        text = part if part.startswith("article: ") else "article: " + part
        viewer_line = next((line for line in text.splitlines() if line.startswith("viewer: ")), "")
        key = " ".join(viewer_line.split()[1:3])
        sections[key] = text.rstrip("\n") + "\n"
    return sections


def _join(sections: dict[str, str]) -> str:
    order = {f"{d} {a}": i for i, (d, a) in enumerate((d, a) for d in DEVICES for a in AUDIENCES)}
    ordered = sorted(sections.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return "\n".join(text for _, text in ordered)


def check_article(
    path: Path, engine: Engine, viewers: list[Viewer], *, update: bool = False
) -> ArticleCheck:
    """Render ``path`` for every viewer and compare the dumps with its golden file.

    Only the viewers asked for are compared (or rewritten): a golden holding the whole
    matrix keeps the other viewers' sections as they are.
    """
    article = load_article(path)
    plans = [engine.plan(article, viewer) for viewer in viewers]
    current = {
        f"{p.viewer.device} {p.viewer.audience}": dump_plan(p, engine.rules.name) for p in plans
    }
    golden = golden_path(path, engine.rules.name)
    result = ArticleCheck(path, golden, "match", plans=[summarize(p, engine) for p in plans])
    stored = _sections(golden.read_text(encoding="utf-8")) if golden.exists() else {}
    if update:
        merged = _join({**stored, **current})
        if not golden.exists() or golden.read_text(encoding="utf-8") != merged:
            golden.write_text(merged, encoding="utf-8")
            result.status = "updated"
        return result
    if not stored:
        result.status = "new"
        result.diff = f"no golden plan at {golden} (run with --update to write it)"
        return result
    expected = _join({key: stored.get(key, "") for key in current})
    actual = _join(current)
    if expected != actual:
        result.status = "changed"
        result.diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), str(golden), "current"
            )
        )
    return result


def check_paths(
    paths: list[Path], engine: Engine, viewers: list[Viewer], *, update: bool = False
) -> list[ArticleCheck]:
    return [check_article(path, engine, viewers, update=update) for path in find_articles(paths)]
