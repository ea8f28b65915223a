"""Output formats of ``layout check``: text for people, JSON for scripts, JUnit XML for CI."""

from __future__ import annotations

import json
from dataclasses import asdict
from xml.etree import ElementTree

from layout.corpus.check import ArticleCheck


def check_text(results: list[ArticleCheck]) -> str:
    lines: list[str] = []
    for result in results:
        mark = "ok  " if result.ok else "FAIL"
        lines.append(f"{mark} {result.path} [{result.status}]")
        for plan in result.plans:
            lines.append(
                f"     {plan.device}/{plan.audience}: density {plan.density:.2f}  "
                + (" ".join(plan.units) or "(no units)")
            )
        lines.extend(f"     violation: {v}" for v in result.violations)
        if result.diff:
            lines.extend("     " + line for line in result.diff.rstrip("\n").splitlines())
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results)} articles checked, {len(results) - failed} ok, {failed} failed")
    return "\n".join(lines) + "\n"


def check_json(results: list[ArticleCheck]) -> str:
    data = [
        {
            "path": str(r.path),
            "golden": str(r.golden),
            "status": r.status,
            "ok": r.ok,
            "violations": r.violations,
            "diff": r.diff,
            "plans": [asdict(p) for p in r.plans],
        }
        for r in results
    ]
    return json.dumps({"articles": data, "failed": sum(not r.ok for r in results)}, indent=2) + "\n"


def check_junit(results: list[ArticleCheck]) -> str:
    suite = ElementTree.Element(
        "testsuite",
        name="layout check",
        tests=str(len(results)),
        failures=str(sum(not r.ok for r in results)),
    )
    for result in results:
        case = ElementTree.SubElement(
            suite, "testcase", classname="layout.corpus.check", name=str(result.path)
        )
        if not result.ok:
            failure = ElementTree.SubElement(case, "failure", message=result.status)
            failure.text = "\n".join([*result.violations, result.diff])
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
