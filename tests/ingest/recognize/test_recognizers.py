"""The block recognizers, one case file each (``cases/RULE.yaml``).

Each case is a body HTML and the block dump ingest makes of it (``tests/support/blocks.py``).
A case must come out exactly as written with the whole table, and differently with its
own rule taken out of the table: so each case shows what its rule, and no other, decides.
A case of what the rule leaves alone says so (``decided: false``): it comes out the same.
Expectations are written by ``pytest tests/ingest/recognize --update-goldens``; review the
diff.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from layout.ingest.body import ingest_html
from layout.ingest.recognize import RECOGNIZERS
from tests.support.blocks import dump_blocks

CASES = Path(__file__).parent / "cases"


def _files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def _cases() -> list[Any]:
    found = []
    for path in _files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            found.append(pytest.param(path, data["rule"], case, id=f"{path.stem}: {case['name']}"))
    return found


def _dump(html: str, table: Any = RECOGNIZERS) -> str:
    article = ingest_html(html, {"headline": "Case"}, default_id="case", recognizers=table)
    return dump_blocks(article)


def test_every_rule_has_a_case_file_and_every_file_names_a_rule() -> None:
    named = {yaml.safe_load(p.read_text(encoding="utf-8"))["rule"] for p in _files()}
    assert named == set(RECOGNIZERS.names())


@pytest.mark.parametrize(("path", "rule", "case"), _cases())
def test_a_case_comes_out_as_written_and_its_rule_decides_it(
    path: Path, rule: str, case: dict[str, Any], update_goldens: bool
) -> None:
    found = _dump(case["html"])
    if update_goldens and found != case.get("blocks"):
        _rewrite(path, case["name"], found)
        return
    assert found == case["blocks"]
    without = _dump(case["html"], RECOGNIZERS.without(rule))
    if case.get("decided", True):
        assert without != found, f"{rule} decides nothing in this case"
    else:
        assert without == found, f"{rule} should leave this case alone"


def _rewrite(path: Path, name: str, blocks: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for case in data["cases"]:
        if case["name"] == name:
            case["blocks"] = blocks
    text = yaml.dump(data, Dumper=_Literal, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


class _Literal(yaml.SafeDumper):
    """Multi-line strings as literal blocks, so the case files stay readable."""


_Literal.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)
