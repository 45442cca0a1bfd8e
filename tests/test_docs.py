"""The README stays true to the code: every setting and every command is documented."""

from __future__ import annotations

from pathlib import Path

import click

from eventcoder.cli import main
from eventcoder.settings import SETTINGS

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands(group: click.Group, prefix: str = "eventcoder") -> list[str]:
    names: list[str] = []
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        if isinstance(command, click.Group):
            names += _commands(command, full)
        else:
            names.append(full)
    return names


def test_docs_readme_documents_every_setting() -> None:
    """Each setting has a row in the README's settings table."""
    text = README.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"| `{s.name}` |" not in text]
    assert not missing, f"settings missing from README.md: {missing}"


def test_docs_readme_documents_every_command() -> None:
    """Each CLI command appears in the README's command reference."""
    text = README.read_text(encoding="utf-8")
    missing = [name for name in _commands(main) if f"`{name}" not in text]
    assert not missing, f"commands missing from README.md: {missing}"


def test_docs_readme_first_commands_are_the_two_scripts() -> None:
    """The README's first two commands set up and run the demo, then the tests."""
    lines = [line.strip() for line in README.read_text(encoding="utf-8").splitlines()]
    commands = [line for line in lines if line.startswith("./scripts/")]
    assert commands[:2] == [
        "./scripts/demo.sh    # set up .venv, the spaCy model and the gazetteer; code the sample article",
        "./scripts/test.sh    # set up .venv with the test dependencies; run the tests",
    ]
    for script in ("demo.sh", "test.sh"):
        assert (README.parent / "scripts" / script).stat().st_mode & 0o111
