"""The README files and docs/ name only what exists: every relative link, every repository path in
`code` spans, every `python -m` module of this repository; nothing names a design document or a
folder outside the repository.

A path in backticks may be written from the repository root, from the document's folder, from a
member's folder (`tests/e2e/...`) or from inside a service package (`webhooks/router.py`); it
stands if it exists from any of them. A bare name (`menus.py`, `new_request/`) stands if a file or
folder of that name is in the repository. A code span is taken for a path when it ends in a file
extension or a `/`, or starts with a folder of the repository; placeholders (`<lang>`, `{name}`),
URL paths (`/health`), URLs, extensions (`.po`) and files that are never committed (`.env`,
`.data/`, what `.gitignore` names) are not paths.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCS = sorted([ROOT / "README.md", ROOT / "CONTRIBUTING.md", *ROOT.glob("*/README.md"),
               *(ROOT / "docs").glob("*.md")])
MEMBERS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]
EXTENSIONS = {"py", "md", "yml", "yaml", "toml", "json", "lock", "example", "env", "sh", "txt", "js", "html",
              "css", "po", "pot", "mo", "ini", "cfg", "sql"}
# Made on a machine, never committed (.gitignore), or kept by tools.
LOCAL_FILES = {".env"}
LOCAL_FOLDERS = {".git", ".venv", ".data", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
                 ".hypothesis", "node_modules"}
# Folders a run makes (the console's screenshots): absent from a fresh clone.
IGNORED = {line.strip().rstrip("/") for line in (ROOT / ".gitignore").read_text().splitlines()
           if "/" in line.strip().rstrip("/")}
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_MODULE = re.compile(r"python -m ([A-Za-z_][\w.]*)")
_LOCATION = re.compile(r"(::\S+|:\d+(-\d+)?)$")  # `file.py:12`, `test_x.py::test_name`


def bases(doc: Path) -> list[Path]:
    """Where a path a document names may start from."""
    members = [ROOT / m for m in MEMBERS]
    return [ROOT, doc.parent, *members, *(m / m.name for m in members if (m / m.name).is_dir())]


def names_a_path(span: str) -> bool:
    """Whether a code span is a repository path (not a command, a URL path, a MIME type, a key)."""
    if span in LOCAL_FILES or span.split("/", 1)[0] in LOCAL_FOLDERS or span.startswith(("/", "~", "-")):
        return False
    if re.search(r"[\s<>{}$=@…]|://|\.\.\.", span) or re.fullmatch(r"\.\w+", span):
        return False
    name = span.rstrip("/").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    first_folder = ROOT / span.split("/", 1)[0]
    return extension in EXTENSIONS or span.endswith("/") or ("/" in span and first_folder.is_dir())


def repository_paths() -> list[Path]:
    """Every file and folder of the repository, without the local ones."""
    found = []
    for folder, folders, files in os.walk(ROOT):
        folders[:] = [name for name in folders if name not in LOCAL_FOLDERS]
        found += [Path(folder) / name for name in (*folders, *files)]
    return found


PATHS = repository_paths()
NAMES = {path.name for path in PATHS}


def exists(doc: Path, path: str) -> bool:
    """Whether `path` (a glob allowed) names something in the repository from one of the bases."""
    path = _LOCATION.sub("", path)
    if "/" not in path.rstrip("/") and "*" not in path:
        return path.rstrip("/") in NAMES
    for base in bases(doc):
        if "*" in path:
            if any(base.glob(path)):
                return True
        elif (base / path).exists():
            return True
    return path.rstrip("/") in IGNORED


def module_exists(module: str) -> bool:
    """Whether `python -m module` of a package of this repository would find the module."""
    parts = module.split(".")
    roots = [ROOT / m / parts[0] for m in MEMBERS] + [ROOT / parts[0]]
    for root in roots:
        if (root / "__init__.py").is_file():
            target = root.joinpath(*parts[1:])
            return target.with_suffix(".py").is_file() or (target / "__init__.py").is_file()
    return True  # not ours (pytest, locust, uvicorn): nothing to check here


def references(doc: Path) -> list[tuple[int, str, str]]:
    """(line, kind, what) of every link, code-span path and `python -m` module in a document."""
    text = doc.read_text()
    prose = _FENCE.sub(lambda m: "\n" * m.group().count("\n"), text)
    found = []
    for number, line in enumerate(prose.splitlines(), 1):
        found += [(number, "link", target) for target in _LINK.findall(line)]
        found += [(number, "path", span.strip()) for span in _CODE.findall(line)
                  if names_a_path(span.strip())]
    for number, line in enumerate(text.splitlines(), 1):
        found += [(number, "module", module) for module in _MODULE.findall(line)]
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_path_and_module_a_document_names_exists(doc: Path) -> None:
    missing = []
    for number, kind, what in references(doc):
        if kind == "link":
            target = what.split("#", 1)[0]
            if target and not re.match(r"[a-z]+:", target) and not (doc.parent / target).exists():
                missing.append(f"{number}: link {what}")
        elif kind == "path" and not exists(doc, what):
            missing.append(f"{number}: {what}")
        elif kind == "module" and not module_exists(what):
            missing.append(f"{number}: python -m {what}")
    assert not missing, f"{doc.relative_to(ROOT)} names what is not in the repository: {missing}"


def test_the_rules_tell_paths_from_other_code() -> None:
    doc = ROOT / "README.md"
    for span in ["docs/API.md", "shared/shared/", "loadtests/bench_*.py", "deploy/demo.env", "config.py",
                 "webhooks/router.py", "tests/", ".env.example"]:
        assert names_a_path(span) and exists(doc, span), span
    for span in ["/health/ready", "text/plain", "make run", "python -m core_service", ".env", ".po",
                 "locales/<lang>/messages.po", "a/{b}.py", "https://example.com/x.md", "status.new"]:
        assert not names_a_path(span), span
    assert not exists(doc, "OVERVIEW.md") and not exists(doc, "bot_gateway/bot_gateway/bench.py")
    assert exists(doc, "menus.py") and exists(doc, "new_request/") and not exists(doc, "webhooks/nothing.py")
    assert module_exists("loadtests.bench_core") and not module_exists("core_service.bench")


# A design document that is not in the repository, or the folder beside it (spelt as patterns, so
# this file does not name them itself).
OUTSIDE = re.compile(r"\bDESIGN\.md\b|\.\./shared/")


def test_nothing_names_a_design_document_or_a_path_outside_a_member() -> None:
    offenders = []
    for path in PATHS:
        if path.suffix not in {".md", ".py", ".toml", ".yml", ".yaml"} or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        offenders += [f"{path.relative_to(ROOT)}: {found}" for found in OUTSIDE.findall(text)]
    assert not offenders, offenders
