"""Dependencies point one way: speakers and tracks import nothing of ours, sessions may import
both, niic composes them, and no app imports niic."""

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = {"niic", "tracks", "sessions", "speakers"}
ALLOWED = {
    "tracks": {"tracks"},
    "speakers": {"speakers"},
    "sessions": {"sessions", "tracks", "speakers"},
}


def imported_packages(package):
    found = set()
    for path in (PROJECT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found |= {name.split(".")[0] for name in names} & OUR_PACKAGES
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_app_imports_only_what_it_may(package):
    assert imported_packages(package) <= ALLOWED[package]
