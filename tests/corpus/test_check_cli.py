"""``layout check``: golden plans beside the articles, run as a real process.

The repo's samples must pass on their committed goldens; everything that changes goldens
runs on a copy of the samples in ``tmp_path``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support.cli import layout
from tests.support.corpus import ROOT, SAMPLES

DEFAULT_RULES = ROOT / "layout" / "defaults" / "news-default.yaml"
RULE_FILES = {
    "news-default": None,
    "ad-heavy": SAMPLES / "rules" / "ad-heavy.yaml",
    "subscriber-light": SAMPLES / "rules" / "subscriber.yaml",
}
VIEWERS = [(d, a) for d in ("mobile", "desktop") for a in ("anonymous", "registered", "subscriber")]
HARBOUR = Path("samples/articles/news-harbour-strike.json")
HARBOUR_GOLDEN = Path("samples/articles/news-harbour-strike.news-default.layout.txt")


def layout_all(*runs):
    """Several CLI runs at once (each is mostly interpreter start-up): ``(cwd, *args)``."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "layout", *map(str, args)],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for cwd, *args in runs
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def sample_count() -> int:
    return len(list((SAMPLES / "articles").glob("*.json"))) + len(
        list((SAMPLES / "html").glob("*.html"))
    )


def copy_samples(folder: Path) -> Path:
    for part in ("articles", "html"):
        shutil.copytree(SAMPLES / part, folder / "samples" / part)
    return folder


@pytest.fixture
def work(tmp_path):
    """A copy of the sample articles and goldens; CLI runs use it as their folder."""
    return copy_samples(tmp_path)


def mid_max_one_rules(folder: Path) -> Path:
    """The default rules with at most one mid ad, still named news-default."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert text.count("    max: 5\n") == 1
    changed = folder / "rules.yaml"
    changed.write_text(text.replace("    max: 5\n", "    max: 1\n"), encoding="utf-8")
    assert "name: news-default" in changed.read_text(encoding="utf-8")
    return changed


def assert_bad_input(result, names):
    """Exit 2, one ``error:`` line per problem naming the file, no traceback, no report."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(names), result.stderr
    for line, name in zip(lines, names, strict=True):
        assert line.startswith("error: "), line
        assert name in line, line
    assert result.stdout == ""


# --- the committed goldens -------------------------------------------------------------------


@pytest.fixture(scope="module")
def repo_runs():
    """``layout check`` in the repo on its committed goldens, for each sample rule set."""
    runs = []
    for name, rules in RULE_FILES.items():
        args = ["samples/"] if rules is None else ["samples/articles", "samples/html"]
        args += ["--format", "json"] if name == "ad-heavy" else []
        args += ["--rules", rules] if rules is not None else []
        runs.append((ROOT, "check", *args))
    return dict(zip(RULE_FILES, layout_all(*runs), strict=True))


@pytest.mark.parametrize("rules_name", list(RULE_FILES))
def test_check_samples_passes_on_the_committed_goldens(repo_runs, rules_name):
    result = repo_runs[rules_name]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert result.stderr == ""
    count = sample_count()
    if rules_name != "ad-heavy":
        assert result.stdout.splitlines()[-1] == f"{count} articles checked, {count} ok, 0 failed"
        assert "FAIL" not in result.stdout
        assert result.stdout.count(" [match]\n") == count
        assert f"rules: {rules_name}" not in result.stdout  # a match shows no diff
        return
    data = json.loads(result.stdout)
    assert data["failed"] == 0
    assert len(data["articles"]) == count
    for article in data["articles"]:
        assert article["status"] == "match", article["diff"]
        assert article["golden"].endswith(f".{rules_name}.layout.txt")
        assert Path(ROOT, article["golden"]).is_file()
        assert article["violations"] == []
        assert [(p["device"], p["audience"]) for p in article["plans"]] == VIEWERS


# --- a rule change against the goldens -------------------------------------------------------


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """Text, JSON and JUnit reports of a copy checked with ``max: 1`` for mid ads."""
    folder = copy_samples(tmp_path_factory.mktemp("changed"))
    rules = mid_max_one_rules(folder)
    runs = [(folder, "check", "samples", "--rules", rules, "--format", f) for f in FORMATS]
    return dict(zip(FORMATS, layout_all(*runs), strict=True))


FORMATS = ("text", "json", "junit")


def test_a_changed_rule_fails_with_a_unified_diff_naming_the_golden(changed):
    result = changed["text"]
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert f"FAIL {HARBOUR} [changed]" in out
    # The diff of the harbour article: headers name the golden file, hunks show -/+ lines.
    section = out[out.index(f"FAIL {HARBOUR}") :].splitlines()[1:]
    end = next(i for i, line in enumerate(section) if not line.startswith("     "))
    lines = [line[5:] for line in section[:end]]
    assert f"--- {HARBOUR_GOLDEN}" in lines
    assert "+++ current" in lines
    assert any(line.startswith("@@ -") for line in lines)
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert sum("+mid-2" in line for line in removed) == 6  # once per viewer
    assert not any("+mid-2" in line for line in added)
    assert any(line.startswith("-words: 861") and "ads: 4" in line for line in removed)
    assert any(line.startswith("+words: 861") and "ads: 3" in line for line in added)
    # The plan summary already shows one mid unit per plan.
    plan_lines = [line for line in lines if line.startswith(("mobile/", "desktop/"))]
    assert len(plan_lines) == 6
    assert all("mid-1@" in line and "mid-2@" not in line for line in plan_lines)
    count = sample_count()
    summary = out.splitlines()[-1]
    failed = out.count("\nFAIL ") + out.startswith("FAIL ")
    assert summary == f"{count} articles checked, {count - failed} ok, {failed} failed"
    assert failed > 1


def test_json_format_has_articles_and_failed(changed):
    result = changed["json"]
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"articles", "failed"}
    assert len(data["articles"]) == sample_count()
    assert data["failed"] == sum(not a["ok"] for a in data["articles"]) > 1
    for article in data["articles"]:
        assert set(article) >= {"path", "golden", "status", "ok", "violations", "diff", "plans"}
        assert article["status"] in ("match", "changed")
        assert article["ok"] == (article["status"] == "match")
        assert bool(article["diff"]) == (article["status"] == "changed")
        assert [(p["device"], p["audience"]) for p in article["plans"]] == VIEWERS
        for plan in article["plans"]:
            assert 0.0 <= plan["density"] <= 0.3
            assert sum(u.startswith("mid-") for u in plan["units"]) <= 1
    harbour = next(a for a in data["articles"] if a["path"] == str(HARBOUR))
    assert harbour["status"] == "changed"
    assert harbour["golden"] == str(HARBOUR_GOLDEN)
    assert "+mid-2" in harbour["diff"]


def test_junit_format_parses_with_testsuite_testcase_failure(changed):
    result = changed["junit"]
    assert result.returncode == 1
    suite = ElementTree.fromstring(result.stdout)
    assert suite.tag == "testsuite"
    cases = suite.findall("testcase")
    assert len(cases) == sample_count() == int(suite.get("tests"))
    failures = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    expected = {a["path"] for a in json.loads(changed["json"].stdout)["articles"] if not a["ok"]}
    assert set(failures) == expected
    assert int(suite.get("failures")) == len(failures) > 1
    assert failures[str(HARBOUR)].get("message") == "changed"
    assert f"--- {HARBOUR_GOLDEN}" in failures[str(HARBOUR)].text
    assert "+mid-2" in failures[str(HARBOUR)].text


def test_update_rewrites_the_goldens_and_a_rerun_passes(work):
    rules = mid_max_one_rules(work)
    before = {p: p.read_text(encoding="utf-8") for p in work.rglob("*.layout.txt")}

    updated = layout("check", "samples", "--rules", rules, "--update", "--format", "json", cwd=work)
    assert updated.returncode == 0, updated.stdout[-3000:] + updated.stderr
    data = json.loads(updated.stdout)
    assert data["failed"] == 0
    statuses = {a["path"]: a["status"] for a in data["articles"]}
    assert statuses[str(HARBOUR)] == "updated"
    assert set(statuses.values()) == {"updated", "match"}

    golden = (work / HARBOUR_GOLDEN).read_text(encoding="utf-8")
    assert "+mid-1" in golden and "+mid-2" not in golden
    assert golden.count("article: news-harbour-strike\n") == 6
    # Only this rule set's goldens of changed articles are rewritten.
    for path, text in before.items():
        stem = path.relative_to(work).with_name(path.name.split(".")[0])
        status = statuses.get(f"{stem}.json", statuses.get(f"{stem}.html"))
        assert status in ("match", "updated"), path
        if ".news-default." not in path.name or status == "match":
            assert path.read_text(encoding="utf-8") == text, path
        else:
            assert path.read_text(encoding="utf-8") != text, path

    rerun = layout("check", "samples", "--rules", rules, cwd=work)
    assert rerun.returncode == 0, rerun.stdout[-3000:]
    count = sample_count()
    assert rerun.stdout.splitlines()[-1] == f"{count} articles checked, {count} ok, 0 failed"
    assert rerun.stdout.count(" [match]\n") == count


def test_a_missing_golden_is_new_and_fails(work):
    (work / HARBOUR_GOLDEN).unlink()
    result = layout("check", "samples", "--format", "json", cwd=work)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr
    data = json.loads(result.stdout)
    assert data["failed"] == 1
    [new] = [a for a in data["articles"] if not a["ok"]]
    assert new["path"] == str(HARBOUR)
    assert new["status"] == "new"
    assert new["diff"] == f"no golden plan at {HARBOUR_GOLDEN} (run with --update to write it)"
    assert not (work / HARBOUR_GOLDEN).exists()  # checking never writes

    text = layout("check", str(HARBOUR), "--update", cwd=work)
    assert text.returncode == 0
    assert f"ok   {HARBOUR} [updated]" in text.stdout
    assert (work / HARBOUR_GOLDEN).read_text(encoding="utf-8") == (
        SAMPLES / "articles" / HARBOUR_GOLDEN.name
    ).read_text(encoding="utf-8")


def test_a_clean_run_as_junit_into_an_output_file(work):
    out = work / "reports" / "check.xml"
    result = layout("check", "samples/html", "--format", "junit", "-o", out, cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    suite = ElementTree.parse(out).getroot()
    assert suite.tag == "testsuite"
    assert suite.get("failures") == "0"
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names == sorted(f"samples/html/{p.name}" for p in (SAMPLES / "html").glob("*.html"))
    assert suite.findall("testcase/failure") == []


# --- the device x audience matrix ------------------------------------------------------------


def test_device_and_audience_restrict_the_matrix(work):
    result = layout(
        "check",
        "samples",
        "--device",
        "desktop",
        "--audience",
        "registered",
        "--audience",
        "subscriber",
        "--format",
        "json",
        cwd=work,
    )
    data = json.loads(result.stdout)
    assert len(data["articles"]) == sample_count()
    for article in data["articles"]:
        pairs = [(p["device"], p["audience"]) for p in article["plans"]]
        assert pairs == [("desktop", "registered"), ("desktop", "subscriber")]
    harbour = next(a for a in data["articles"] if a["path"] == str(HARBOUR))
    registered, subscriber = (p["units"] for p in harbour["plans"])
    assert "rail-1@0" in registered and "rail-1@0" in subscriber  # desktop only
    assert any(u.startswith("newsletter-") for u in registered)
    assert not any(u.startswith("newsletter-") for u in subscriber)


def test_a_restricted_matrix_is_checked_against_its_part_of_the_golden(work):
    """The golden holds all six viewers; checking a subset of them must not be a change."""
    result = layout(
        "check",
        str(HARBOUR),
        "--device",
        "mobile",
        "--audience",
        "subscriber",
        "--format",
        "json",
        cwd=work,
    )
    [article] = json.loads(result.stdout)["articles"]
    assert [(p["device"], p["audience"]) for p in article["plans"]] == [("mobile", "subscriber")]
    assert article["status"] == "match", article["diff"][:1500]
    assert result.returncode == 0


def test_update_with_a_restricted_matrix_keeps_the_other_viewers(work):
    golden = work / HARBOUR_GOLDEN
    before = golden.read_text(encoding="utf-8")
    layout("check", str(HARBOUR), "--device", "desktop", "--update", cwd=work)
    after = golden.read_text(encoding="utf-8")
    # Nothing changed for any viewer, so the golden must keep all six plans.
    assert after.count("viewer: mobile ") == 3, after[:400]
    assert after == before


# --- bad input -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    """Runs on broken input, started together: a broken article, two, a missing path, rules."""
    folder = tmp_path_factory.mktemp("bad")
    one, two = folder / "one", folder / "two"
    for target in (one, two):
        target.mkdir()
        shutil.copy(SAMPLES / "articles" / HARBOUR.name, target)
        shutil.copy(SAMPLES / "articles" / HARBOUR_GOLDEN.name, target)
    (one / "zz-broken.json").write_text('{"id": "broken",\n "blocks": [\n', encoding="utf-8")
    (two / "aa-broken.json").write_text('{"id": "a", "blocks": [\n', encoding="utf-8")
    (two / "zz-broken.json").write_text("[1, 2]\n", encoding="utf-8")
    (folder / "bad.yaml").write_text(
        "version: 1\nname: bad\nunits:\n  - id: mid\n    kind: ad\n"
        "    max: many\n    every: {words: -3}\n",
        encoding="utf-8",
    )
    (folder / "broken.yaml").write_text("version: 1\nname: [oops\n", encoding="utf-8")
    runs = {
        "one": (folder, "check", "one"),
        "two": (folder, "check", "two"),
        "missing": (ROOT, "check", "samples/html", "samples/nowhere"),
        "fields": (folder, "check", "one/news-harbour-strike.json", "--rules", "bad.yaml"),
        "syntax": (folder, "check", "one/news-harbour-strike.json", "--rules", "broken.yaml"),
    }
    return dict(zip(runs, layout_all(*runs.values()), strict=True))


def test_a_broken_article_in_the_folder_is_one_error_line(bad):
    assert_bad_input(bad["one"], ["one/zz-broken.json:3:1: invalid JSON"])


def test_every_broken_article_gets_its_own_error_line(bad):
    assert_bad_input(
        bad["two"],
        ["two/aa-broken.json:2:1: invalid JSON", "two/zz-broken.json:1: expected a JSON object"],
    )


def test_a_missing_path_is_one_error_line(bad):
    assert_bad_input(bad["missing"], ["samples/nowhere: no such file or directory"])


def test_a_broken_rules_file_is_one_error_line_per_problem(bad):
    fields = bad["fields"]
    assert_bad_input(fields, ["bad.yaml:", "bad.yaml:"])
    assert sorted(line.split(": ")[2] for line in fields.stderr.splitlines()) == [
        "units[0].every.words",
        "units[0].max",
    ]
    assert_bad_input(bad["syntax"], ["broken.yaml:3:1: invalid YAML"])


# --- violations ------------------------------------------------------------------------------


def test_an_editor_slot_right_after_a_heading_is_a_violation(tmp_path):
    data = json.loads((SAMPLES / "articles" / HARBOUR.name).read_text(encoding="utf-8"))
    blocks = data["blocks"]
    heading = next(i for i, b in enumerate(blocks) if b["kind"] == "heading")
    assert blocks[heading + 1]["kind"] == "paragraph"
    blocks.insert(heading + 1, {"kind": "slot", "unit": "mid"})
    data["id"] = "slot-after-heading"
    (tmp_path / "slot-after-heading.json").write_text(json.dumps(data), encoding="utf-8")
    # The same article without the marker, beside it, is the control.
    shutil.copy(SAMPLES / "articles" / HARBOUR.name, tmp_path / HARBOUR.name)

    # Write the goldens first, so the failure below is the violation, not a missing golden.
    first = layout("check", ".", "--update", cwd=tmp_path)
    assert first.returncode == 1, first.stdout
    assert (tmp_path / "slot-after-heading.news-default.layout.txt").is_file()
    assert "FAIL slot-after-heading.json [updated]" in first.stdout
    assert "ok   news-harbour-strike.json [updated]" in first.stdout
    assert f"violation: mobile/anonymous: mid-1 at gap {heading + 1}: after-heading" in (
        first.stdout
    )

    result = layout("check", ".", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    data = json.loads(result.stdout)
    assert data["failed"] == 1
    control, checked = data["articles"]
    assert control["path"] == HARBOUR.name
    assert control["ok"] and control["status"] == "match" and control["violations"] == []
    assert checked["path"] == "slot-after-heading.json"
    assert checked["status"] == "match"
    assert not checked["ok"]
    assert len(checked["violations"]) == 6  # every viewer of the matrix
    for line, (device, audience) in zip(checked["violations"], VIEWERS, strict=True):
        assert line.startswith(f"{device}/{audience}: mid-1 at gap {heading + 1}: after-heading")
