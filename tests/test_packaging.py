"""The dependency floors in pyproject.toml are the versions CI's lowest job installs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _floors(requirements: list[str]) -> dict[str, Version]:
    floors = {}
    for requirement in requirements:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^,;\s]*)", requirement.strip())
        assert found, f"{requirement!r} has no plain floor (name>=version)"
        floors[found[1].lower()] = Version(found[2])
    return floors


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = Version(version.strip())
    return pins


def test_every_runtime_floor_is_pinned_exactly_in_the_lowest_job():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _floors(project["dependencies"])
    pins = _pins()
    assert {name: pins.get(name) for name in runtime} == runtime


def test_the_test_tools_the_suite_runs_on_are_pinned_at_their_floors():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    tools = _floors(project["optional-dependencies"]["test"])
    pins = _pins()
    pinned = {name: version for name, version in tools.items() if name in pins}
    assert pinned == {name: pins[name] for name in pinned}
    assert {"pytest", "pytest-asyncio", "hypothesis"} <= set(pinned)
