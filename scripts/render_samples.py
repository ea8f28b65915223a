"""Render every sample with the built-in default rules into a folder, with an index page.

Usage: python scripts/render_samples.py OUT_DIR
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path

from layout import Engine, Viewer, load_article

ROOT = Path(__file__).resolve().parents[1]
VIEWERS = [
    Viewer(device=d, audience=a) for d in ("mobile", "desktop") for a in ("anonymous", "subscriber")
]


def sample_paths() -> list[Path]:
    samples = ROOT / "samples"
    return sorted((samples / "articles").glob("*.json")) + sorted((samples / "html").glob("*.html"))


def main(out: Path) -> int:
    engine = Engine(development=True)  # a local demo: the public development meter secret
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in sample_paths():
        article = load_article(path)
        stem = ("html-" if path.suffix == ".html" else "") + path.stem
        links = []
        for viewer in VIEWERS:
            result = engine.render(article, viewer)
            name = f"{stem}.{viewer.device}.{viewer.audience}"
            (out / f"{name}.html").write_text(result.html, encoding="utf-8")
            (out / f"{name}.plan.json").write_text(
                json.dumps(result.plan, indent=2), encoding="utf-8"
            )
            links.append(f'<a href="{name}.html">{viewer.device} · {viewer.audience}</a>')
        rows.append(
            f"<li><strong>{html.escape(article.headline)}</strong> ({stem}): "
            + " | ".join(links)
            + "</li>"
        )
    index = out / "index.html"
    index.write_text(
        "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>layout samples</title>"
        "<h1>Rendered samples</h1><ul>" + "\n".join(rows) + "</ul></html>\n",
        encoding="utf-8",
    )
    print(f"Rendered {len(rows)} samples x {len(VIEWERS)} viewers into {out}/")
    print(f"Open {index.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "out")))
