"""The rule sets a server offers by name: loaded from a folder, reloaded when files change.

A file that becomes broken never replaces the working version: the old engine keeps
serving and the registry reports the error until the file is fixed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from layout.engine import Engine
from layout.errors import LayoutError
from layout.rules import RuleSet, load_rules

RULE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Entry:
    name: str
    path: Path
    engine: Engine | None = None
    error: str | None = None
    loaded_at: str | None = None

    def describe(self) -> dict[str, Any]:
        rules = self.engine.rules if self.engine is not None else None
        return {
            "name": self.name,
            "file": self.path.name,
            "status": "error" if self.error else "ok",
            "rules_name": rules.name if rules else None,
            "error": self.error,
            "loaded_at": self.loaded_at,
        }


class RuleSetRegistry:
    """Named engines, one per rule file in a folder, plus the built-in default."""

    def __init__(
        self,
        folder: Path | None,
        make_engine: Callable[[RuleSet], Engine],
        *,
        development: bool = False,
    ) -> None:
        self.folder = folder
        self._make_engine = make_engine
        self._development = development
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self.default: Engine = make_engine(load_rules())
        if folder is not None:
            for path in sorted(folder.iterdir()):
                if path.suffix in RULE_SUFFIXES:
                    self.load(path)

    def load(self, path: Path) -> None:
        """(Re)load one rule file; on error keep the working engine and record the error."""
        name = path.stem
        with self._lock:
            entry = self._entries.setdefault(name, Entry(name, path))
        if not path.exists():
            with self._lock:
                self._entries.pop(name, None)
            return
        try:
            engine = self._make_engine(load_rules(path, development=self._development))
        except LayoutError as error:
            entry.error = "; ".join(error.lines())
            return
        entry.engine, entry.error = engine, None
        entry.loaded_at = datetime.now(UTC).isoformat(timespec="seconds")

    def get(self, name: str) -> Engine | None:
        entry = self._entries.get(name)
        return entry.engine if entry is not None else None

    def describe(self) -> list[dict[str, Any]]:
        return [entry.describe() for _, entry in sorted(self._entries.items())]

    async def watch(self, stop: Any) -> None:
        """Reload changed rule files until ``stop`` is set (runs in the server's loop)."""
        if self.folder is None:
            return
        from watchfiles import awatch

        async for changes in awatch(self.folder, stop_event=stop, debounce=200, step=50):
            for _, changed in changes:
                path = Path(changed)
                if path.suffix in RULE_SUFFIXES:
                    self.load(path)
