"""``halluxpath measure``: JSON on stdout and exit 0, or ``error: ...`` on stderr and exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import django
import pytest

from halluxpath.cli import main
from tests.core.test_radiograph import EXAMPLE, EXAMPLE_OUTPUT

CONSOLE_SCRIPT = Path(sys.executable).with_name("halluxpath")


def _stdin(monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(content), encoding="utf-8"))


def _refused(capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line; nothing on stdout and no traceback."""
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: ")
    assert "Traceback" not in err
    return err


def test_a_landmarks_file_is_measured_to_the_contract_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "landmarks.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    assert main(["measure", str(path)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == EXAMPLE_OUTPUT
    assert list(json.loads(out)) == list(EXAMPLE_OUTPUT)
    assert out.endswith("\n")
    assert err == ""


def test_a_dash_reads_the_landmarks_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, json.dumps(EXAMPLE).encode())
    assert main(["measure", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == EXAMPLE_OUTPUT


def test_standard_input_that_is_not_utf8_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, b'{"schema": "\xff"}')
    assert main(["measure", "-"]) == 2
    assert _refused(capsys).startswith("error: the input is not UTF-8 text")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", "error: the input is not UTF-8 text"),
        (b"", "error: the input is empty"),
        (b"{", "error: the input is not valid JSON"),
        (b'{"schema": NaN}', "error: the input is not valid JSON: NaN is not a number"),
        (json.dumps(EXAMPLE).encode() + b" {}", "error: there is more data after the JSON"),
        (b"[]", "error: the landmarks document must be a JSON object"),
        (
            b'{"schema": "halluxpath.landmarks/1", "points": {}}',
            "error: required landmark 'm1_proximal' is missing",
        ),
        (
            json.dumps(EXAMPLE).replace('"p1_distal"', '"p1_distl"').encode(),
            "error: unknown landmark 'p1_distl': did you mean 'p1_distal'?",
        ),
    ],
)
def test_a_file_that_cannot_be_measured_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert main(["measure", str(path)]) == 2
    assert _refused(capsys).startswith(message)


def test_a_missing_file_argument_is_refused_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measure"]) == 2
    err = _refused(capsys)
    assert "give exactly one landmarks file" in err
    assert "usage: halluxpath measure FILE" in err


def test_two_file_arguments_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measure", "a.json", "b.json"]) == 2
    assert "give exactly one landmarks file" in _refused(capsys)


def test_a_file_that_does_not_exist_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["measure", str(missing)]) == 2
    assert _refused(capsys) == f"error: cannot read {missing}: No such file or directory\n"


@pytest.mark.parametrize("name", ["folder", "bad\x00name.json"])
def test_a_path_that_cannot_be_read_as_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (tmp_path / "folder").mkdir()
    assert main(["measure", str(tmp_path / "folder") if name == "folder" else name]) == 2
    assert _refused(capsys).startswith("error: cannot read ")


def test_help_prints_the_usage_and_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["measure", "--help"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: halluxpath measure FILE")
    assert err == ""


def test_other_commands_still_go_to_django(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == django.get_version()


def test_the_installed_console_script_measures_standard_input_end_to_end() -> None:
    done = subprocess.run(  # noqa: S603  (our own console script)
        [str(CONSOLE_SCRIPT), "measure", "-"],
        input=json.dumps(EXAMPLE).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == EXAMPLE_OUTPUT
    assert done.stderr == b""
    refused = subprocess.run(  # noqa: S603
        [str(CONSOLE_SCRIPT), "measure", "-"],
        input=b"\xff not utf-8",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stdout == b""
    assert refused.stderr.decode().startswith("error: the input is not UTF-8 text")
    assert b"Traceback" not in refused.stderr


def test_measuring_does_not_start_django(tmp_path: Path) -> None:
    path = tmp_path / "landmarks.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    probe = (
        "import sys\n"
        "from halluxpath.cli import main\n"
        f"code = main(['measure', {str(path)!r}])\n"
        "sys.stderr.write(f'{code} {\"django\" in sys.modules}')\n"
    )
    done = subprocess.run(  # noqa: S603  (this interpreter)
        [sys.executable, "-c", probe], capture_output=True, timeout=60, check=False
    )
    assert done.stderr.decode() == "0 False"
    assert json.loads(done.stdout) == EXAMPLE_OUTPUT
