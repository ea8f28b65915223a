"""Impact report: what changing a rule set does across a corpus, before it goes live.

For every article and viewer it compares the baseline plan with the new one: ads per
article, the units gained and lost, the density distribution, and the biggest changes.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from statistics import mean, quantiles
from typing import Any

from layout.corpus.parallel import run_all
from layout.engine import Engine
from layout.ingest.sources import ArticleSource, article_from_source, read_source
from layout.measure.sizes import block_text
from layout.rules import parse_rules
from layout.viewer import Viewer

ViewerSpec = tuple[str, str]


BATCH = 16  # articles a worker plans with one pair of engines


def batch_impact(
    sources: list[ArticleSource], new: tuple[str, str], old: tuple[str, str],
    viewers: tuple[ViewerSpec, ...],
) -> list[dict[str, Any]]:
    """``article_impact`` for a batch of articles, with the two engines (rule set text and
    name each) built once for the batch: a worker's state lives as long as its batch. The
    articles come as their text, so that a worker needs no access to the files."""
    engines = [
        Engine(parse_rules(text, source=source, development=True), development=True)
        for text, source in (old, new)
    ]
    return [article_impact(source, engines[0], engines[1], viewers) for source in sources]


def article_impact(
    source: ArticleSource, old: Engine, new: Engine, viewers: tuple[ViewerSpec, ...]
) -> dict[str, Any]:
    """Baseline and new unit lists and densities of one article, per viewer."""
    path = source.name
    article = article_from_source(source)
    rows = {}
    for device, audience in viewers:
        viewer = Viewer(device=device, audience=audience)
        plans = [engine.plan(article, viewer) for engine in (old, new)]
        before, after = (
            {
                "units": [u.unit for u in p.units if u.unit != "meter-notice"],
                "ads": p.metrics["ad_count"],
                "density": p.metrics["ad_density"],
            }
            for p in plans
        )
        rows[f"{device}/{audience}"] = {"before": before, "after": after}
    words = sum(len(block_text(block).split()) for block in article.blocks)
    return {"path": path, "words": words, "viewers": rows}


def impact_report(
    paths: list[Path],
    new: tuple[str, str],
    old: tuple[str, str],
    viewers: list[Viewer],
    *,
    workers: int | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Run every article under both rule sets and summarise the difference."""
    specs = tuple((v.device, v.audience) for v in viewers)
    sources = [read_source(path) for path in paths]
    # Batches of up to BATCH articles, small enough that every worker gets several.
    spread = 4 * (workers or os.cpu_count() or 1)
    size = max(1, min(BATCH, -(-len(sources) // spread)))
    batches = [sources[start : start + size] for start in range(0, len(sources), size)]
    results = run_all(
        batch_impact, batches, (new, old, specs), workers=workers, dask_address=dask_address
    )
    rows = [row for batch in results for row in batch]
    return summarize(rows, new_name=new[1], old_name=old[1])


def _distribution(values: list[float]) -> dict[str, float]:
    if not values:
        return {"mean": 0.0, "p50": 0.0, "p90": 0.0, "max": 0.0}
    cuts = quantiles(values, n=10, method="inclusive") if len(values) > 1 else values * 9
    return {
        "mean": round(mean(values), 4),
        "p50": round(cuts[4], 4),
        "p90": round(cuts[8], 4),
        "max": round(max(values), 4),
    }


def summarize(rows: list[dict[str, Any]], *, new_name: str, old_name: str) -> dict[str, Any]:
    gained: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    changes = []
    density: dict[str, list[float]] = {"before": [], "after": []}
    ads = {"before": 0, "after": 0}
    for row in rows:
        delta = 0
        changed = False
        for pair in row["viewers"].values():
            before, after = Counter(pair["before"]["units"]), Counter(pair["after"]["units"])
            gained.update(after - before)
            lost.update(before - after)
            changed |= before != after
            delta += pair["after"]["ads"] - pair["before"]["ads"]
            for side in ("before", "after"):
                ads[side] += pair[side]["ads"]
                density[side].append(pair[side]["density"])
        changes.append({"path": row["path"], "ad_delta": delta, "changed": changed})
    plans = sum(len(row["viewers"]) for row in rows)
    biggest = sorted(
        (c for c in changes if c["changed"]), key=lambda c: (-abs(c["ad_delta"]), c["path"])
    )[:10]
    return {
        "baseline": old_name,
        "rules": new_name,
        "articles": len(rows),
        "plans": plans,
        "ads_per_plan": {  # per plan; 0 for an empty corpus
            "before": round(ads["before"] / plans, 3) if plans else 0.0,
            "after": round(ads["after"] / plans, 3) if plans else 0.0,
        },
        "ads_total": ads,
        "articles_changed": sum(c["changed"] for c in changes),
        "density": {side: _distribution(values) for side, values in density.items()},
        "units_gained": dict(sorted(gained.items())),
        "units_lost": dict(sorted(lost.items())),
        "biggest_changes": biggest,
        "per_article": rows,
    }


def impact_text(report: dict[str, Any]) -> str:
    ads, dens = report["ads_per_plan"], report["density"]
    lines = [
        f"impact of {report['rules']} against {report['baseline']}: "
        f"{report['articles']} articles, {report['plans']} plans",
        f"ads per plan: {ads['before']} -> {ads['after']} "
        f"(total {report['ads_total']['before']} -> {report['ads_total']['after']})",
        f"articles changed: {report['articles_changed']}/{report['articles']}",
        "ad density  mean / p50 / p90 / max:",
        *(
            f"  {side:<6} {d['mean']:.3f} / {d['p50']:.3f} / {d['p90']:.3f} / {d['max']:.3f}"
            for side, d in dens.items()
        ),
        "units gained: " + _counts(report["units_gained"], "+"),
        "units lost:   " + _counts(report["units_lost"], "-"),
        "biggest changes:",
        *(f"  {c['ad_delta']:+d} ads  {c['path']}" for c in report["biggest_changes"]),
    ]
    return "\n".join(lines) + "\n"


def _counts(counts: dict[str, int], sign: str) -> str:
    return ", ".join(f"{unit} {sign}{count}" for unit, count in counts.items()) or "none"


def impact_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2) + "\n"
