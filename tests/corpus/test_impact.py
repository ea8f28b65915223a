"""``layout check --baseline``: the impact of a rule change over the corpus.

The report's numbers are checked against a direct count: every corpus page planned for
every viewer under both rule sets in this process. The same report must come out of the
local process pool, a single process and a Dask cluster.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from statistics import mean

import pytest
from distributed import Client, LocalCluster

from layout import Engine, Viewer, load_article
from layout.corpus.impact import summarize
from layout.rules import load_rules
from tests.conftest import report
from tests.support.corpus import CORPUS, ROOT, corpus_dirs
from tests.support.server import free_port

NEW = "samples/rules/ad-heavy.yaml"
OLD = "layout/defaults/news-default.yaml"
VIEWERS = [(d, a) for d in ("mobile", "desktop") for a in ("anonymous", "registered", "subscriber")]


def impact_args(*extra):
    return [
        sys.executable,
        "-m",
        "layout",
        "check",
        str(CORPUS),
        "--rules",
        NEW,
        "--baseline",
        OLD,
        *map(str, extra),
    ]


def run_all(*runs):
    """CLI runs started together (each is mostly interpreter start-up)."""
    procs = [
        subprocess.Popen(
            impact_args(*extra),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for extra in runs
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        results.append(out)
    return results


@pytest.fixture(scope="module")
def cli():
    """The impact report as JSON (all cores), as text, and as JSON from one process."""
    default_json, text, one_worker = run_all(
        ["--format", "json"], [], ["--format", "json", "--workers", "1"]
    )
    return {"json": default_json, "text": text, "workers1": one_worker}


@pytest.fixture(scope="module")
def local(cli):
    return json.loads(cli["json"])


@pytest.fixture(scope="module")
def direct():
    """The numbers counted here, plan by plan, without the impact module."""
    engines = {
        side: Engine(load_rules(ROOT / path), development=True)
        for side, path in (("before", OLD), ("after", NEW))
    }
    ads = {"before": 0, "after": 0}
    density: dict[str, list[float]] = {"before": [], "after": []}
    gained: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    changed = []
    deltas = {}
    plans = 0
    paths = [str(folder / "expected.html") for folder in corpus_dirs()]
    for path in paths:
        article = load_article(path)
        article_changed = False
        delta = 0
        for device, audience in VIEWERS:
            units = {}
            for side, engine in engines.items():
                plan = engine.plan(article, Viewer(device=device, audience=audience))
                count = sum(unit.kind == "ad" for unit in plan.units)
                ads[side] += count
                delta += count if side == "after" else -count
                density[side].append(plan.metrics["ad_density"])
                units[side] = Counter(u.unit for u in plan.units if u.unit != "meter-notice")
            plans += 1
            gained.update(units["after"] - units["before"])
            lost.update(units["before"] - units["after"])
            article_changed |= units["after"] != units["before"]
        if article_changed:
            changed.append(path)
        deltas[path] = delta
    return {
        "paths": paths,
        "articles": len(paths),
        "plans": plans,
        "ads_total": ads,
        "density": density,
        "gained": dict(gained),
        "lost": dict(lost),
        "changed": changed,
        "deltas": deltas,
    }


def test_impact_report_counts_match_a_direct_count(local, direct):
    assert local["baseline"] == f"{OLD}#news-default"
    assert local["rules"] == f"{NEW}#ad-heavy"
    assert direct["articles"] == len(corpus_dirs()) >= 45
    assert local["articles"] == direct["articles"]
    assert local["plans"] == direct["plans"] == direct["articles"] * len(VIEWERS)
    assert [row["path"] for row in local["per_article"]] == direct["paths"]
    assert local["ads_total"] == direct["ads_total"]
    assert local["ads_per_plan"] == {
        side: round(direct["ads_total"][side] / direct["plans"], 3) for side in ("before", "after")
    }
    assert local["articles_changed"] == len(direct["changed"])
    assert local["units_gained"] == direct["gained"]
    assert local["units_lost"] == direct["lost"]
    for side in ("before", "after"):
        values = direct["density"][side]
        assert local["density"][side]["mean"] == pytest.approx(mean(values), abs=1e-4)
        assert local["density"][side]["max"] == pytest.approx(max(values), abs=1e-4)
        assert local["density"][side]["p50"] <= local["density"][side]["p90"] <= max(values)
    # Ad-heavy has no newsletter and no rail; it adds video and related cards.
    assert direct["lost"]["rail"] > 0 and "rail" not in direct["gained"]
    assert direct["lost"]["newsletter"] > 0
    assert direct["gained"]["video"] > 0 and direct["gained"]["related"] > 0

    net = sum(direct["deltas"].values())
    assert net == direct["ads_total"]["after"] - direct["ads_total"]["before"]
    report(
        f"impact ad-heavy vs news-default: {direct['articles']} articles, {direct['plans']} plans, "
        f"ads {direct['ads_total']['before']} -> {direct['ads_total']['after']} "
        f"(per plan {local['ads_per_plan']['before']} -> {local['ads_per_plan']['after']}), "
        f"articles changed {len(direct['changed'])}"
    )
    report(
        "impact units gained: "
        + ", ".join(f"{k} +{v}" for k, v in sorted(direct["gained"].items()))
        + "; lost: "
        + ", ".join(f"{k} -{v}" for k, v in sorted(direct["lost"].items()))
    )


def test_biggest_changes_and_per_article_rows_match(local, direct):
    expected = sorted(
        ({"path": p, "ad_delta": direct["deltas"][p], "changed": True} for p in direct["changed"]),
        key=lambda c: (-abs(c["ad_delta"]), c["path"]),
    )[:10]
    assert local["biggest_changes"] == expected
    for row in local["per_article"]:
        assert list(row["viewers"]) == [f"{d}/{a}" for d, a in VIEWERS]
        delta = sum(v["after"]["ads"] - v["before"]["ads"] for v in row["viewers"].values())
        assert delta == direct["deltas"][row["path"]]


def test_text_format_shows_the_same_totals(cli, local):
    text = cli["text"]
    lines = text.splitlines()
    assert lines[0] == (
        f"impact of {NEW}#ad-heavy against {OLD}#news-default: "
        f"{local['articles']} articles, {local['plans']} plans"
    )
    ads, total = local["ads_per_plan"], local["ads_total"]
    assert lines[1] == (
        f"ads per plan: {ads['before']} -> {ads['after']} "
        f"(total {total['before']} -> {total['after']})"
    )
    assert lines[2] == f"articles changed: {local['articles_changed']}/{local['articles']}"
    gained = ", ".join(f"{k} +{v}" for k, v in local["units_gained"].items())
    lost = ", ".join(f"{k} -{v}" for k, v in local["units_lost"].items())
    assert f"units gained: {gained}" in lines
    assert f"units lost:   {lost}" in lines
    biggest = lines[lines.index("biggest changes:") + 1 :]
    assert biggest == [f"  {c['ad_delta']:+d} ads  {c['path']}" for c in local["biggest_changes"]]


def test_one_worker_gives_the_same_report_as_all_cores(cli):
    assert cli["workers1"] == cli["json"]


def test_dask_cluster_gives_the_same_report(cli):
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        [on_dask] = run_all(["--format", "json", "--dask", cluster.scheduler_address])
    assert json.loads(on_dask) == json.loads(cli["json"])
    assert on_dask == cli["json"]


def test_an_empty_corpus_reports_zero_plans():
    empty = summarize([], new_name="new", old_name="old")
    assert empty["articles"] == 0
    assert empty["plans"] == 0
    assert empty["ads_per_plan"] == {"before": 0.0, "after": 0.0}
    assert empty["articles_changed"] == 0


def test_a_real_cluster_started_elsewhere_gives_the_same_report(tmp_path):
    """A `dask scheduler` and two `dask worker` processes, each in a directory of its
    own, on loopback. The corpus is named by a path relative to the client's directory,
    which no worker can open: the articles travel as their text."""
    dask = Path(sys.executable).with_name("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    homes = {name: tmp_path / name for name in ("scheduler", "worker-1", "worker-2")}
    for home in homes.values():
        home.mkdir()
    processes = [subprocess.Popen(
        [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        cwd=homes["scheduler"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )]
    try:
        for name in ("worker-1", "worker-2"):
            processes.append(subprocess.Popen(
                [str(dask), "worker", address, "--nthreads", "1", "--no-dashboard",
                 "--local-directory", str(homes[name])],
                cwd=homes[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        args = ["check", CORPUS.name, "--rules", ROOT / NEW, "--baseline", ROOT / OLD,
                "--format", "json"]
        runs = [
            subprocess.run([sys.executable, "-m", "layout", *map(str, args), *extra],
                           cwd=CORPUS.parent, capture_output=True, text=True, timeout=600)
            for extra in (["--workers", "1"], ["--dask", address])
        ]
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    local, remote = runs
    assert local.returncode == 0 and remote.returncode == 0, remote.stderr[-2000:]
    assert remote.stdout == local.stdout  # byte for byte
    assert not (homes["worker-1"] / CORPUS.name).exists()
    report(f"impact on a real Dask cluster (scheduler + 2 workers in other directories): "
           f"{json.loads(remote.stdout)['articles']} articles, report identical to the local one")
