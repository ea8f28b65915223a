"""``layout check``: render articles for a device x audience matrix and compare with goldens.

Each article's golden plan lives beside it as ``NAME.<rules>.layout.txt``: the readable
plan dumps of every viewer in the matrix, one after the other. A difference is shown as a
unified diff; ``update`` rewrites the golden instead.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from layout.discover import find_articles
from layout.dump import dump_plan
from layout.engine import Engine
from layout.plan import LayoutPlan
from layout.sources import load_article
from layout.verify import violations
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


def check_article(
    path: Path, engine: Engine, viewers: list[Viewer], *, update: bool = False
) -> ArticleCheck:
    """Render ``path`` for every viewer and compare the dumps with its golden file."""
    article = load_article(path)
    plans = [engine.plan(article, viewer) for viewer in viewers]
    dump = "\n".join(dump_plan(plan, engine.rules.name) for plan in plans)
    golden = golden_path(path, engine.rules.name)
    result = ArticleCheck(path, golden, "match", plans=[summarize(p, engine) for p in plans])
    expected = golden.read_text(encoding="utf-8") if golden.exists() else None
    if update:
        if expected != dump:
            golden.write_text(dump, encoding="utf-8")
            result.status = "updated"
        return result
    if expected is None:
        result.status = "new"
        result.diff = f"no golden plan at {golden} (run with --update to write it)"
    elif expected != dump:
        result.status = "changed"
        result.diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), dump.splitlines(True), str(golden), "current"
            )
        )
    return result


def check_paths(
    paths: list[Path], engine: Engine, viewers: list[Viewer], *, update: bool = False
) -> list[ArticleCheck]:
    return [check_article(path, engine, viewers, update=update) for path in find_articles(paths)]
