"""The stack runner: `make test`'s last line (the totals over every member's JUnit report), and the
demo staff `make run` adds to the emulator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core_service.cli import DEMO_ADMIN, DEMO_EXECUTORS, DEMO_MANAGER
from scripts.stack import suite_totals
from scripts.urls import DEMO_PEOPLE

SUITE = '''
import pytest

def test_passes(): pass
def test_passes_too(): pass
def test_fails(): assert False
@pytest.mark.skip(reason="shown as skipped")
def test_skipped(): pass
@pytest.fixture
def broken(): raise RuntimeError("setup")
def test_errors(broken): pass
'''


def _report(tmp_path: Path, name: str, source: str) -> Path:
    """Run pytest on `source` as one test file; its JUnit report."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "test_it.py").write_text(source)
    report = tmp_path / f"{name}.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--rootdir={folder}",
               str(folder), f"--junitxml={report}"]
    subprocess.run(command, capture_output=True, check=False)  # noqa: S603 (our own interpreter)
    return report


def test_totals_add_every_suite_and_count_errors_as_failed(tmp_path):
    reports = {"one": _report(tmp_path, "one", SUITE),
               "two": _report(tmp_path, "two", "def test_ok(): pass\n")}
    assert suite_totals(reports) == "3 passed, 2 failed, 1 skipped"


def test_a_suite_that_left_no_report_is_named(tmp_path):
    reports = {"one": _report(tmp_path, "one", "def test_ok(): pass\n"), "gone": tmp_path / "gone.xml"}
    assert suite_totals(reports) == "1 passed, 0 failed, 0 skipped (no report from gone)"


def test_the_demo_staffs_roles_in_the_emulators_list_are_their_roles_in_core():
    roles = {
        DEMO_ADMIN[0]: "admin",
        DEMO_MANAGER[0]: "manager",
        **{executor[0]: "executor" for executor in DEMO_EXECUTORS},
    }
    assert {user_id: role for user_id, _, role in DEMO_PEOPLE} == roles
