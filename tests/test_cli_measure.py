"""``halluxpath measure``: JSON on stdout and exit 0, or ``error: ...`` and exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from halluxpath.cli import main
from tests.core.test_radiograph import EXAMPLE, EXAMPLE_OUTPUT

CONSOLE_SCRIPT = Path(sys.executable).with_name("halluxpath")


def test_a_file_is_measured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "landmarks.json"
    path.write_text(json.dumps(EXAMPLE))
    assert main(["measure", str(path)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == EXAMPLE_OUTPUT
    assert err == ""


def test_standard_input_is_read_with_a_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(EXAMPLE).encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["measure", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == EXAMPLE_OUTPUT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe", "error: the input is not UTF-8 text"),
        (
            b'{"schema": "halluxpath.landmarks/1", "points": {}}',
            "error: required landmark 'm1_proximal' is missing",
        ),
        (b"", "error: the input is not valid JSON"),
    ],
)
def test_refused_input_prints_an_error_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert main(["measure", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(message)
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [[], ["a.json", "b.json"], ["/no/such/file.json"]])
def test_a_wrong_call_exits_2_without_a_traceback(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["measure", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ")


def test_the_installed_console_script_works_end_to_end() -> None:
    done = subprocess.run(  # noqa: S603  (our own console script)
        [str(CONSOLE_SCRIPT), "measure", "-"],
        input=json.dumps(EXAMPLE).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout) == EXAMPLE_OUTPUT
    bad = subprocess.run(  # noqa: S603
        [str(CONSOLE_SCRIPT), "measure", "-"],
        input=b"[]",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == b""
    assert bad.stderr.decode().startswith("error: the landmarks document must be")
