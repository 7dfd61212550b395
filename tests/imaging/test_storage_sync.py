"""Files written inside ``storage.synced_once()`` are synced together on leaving, not each.

The demo load writes about 1,400 files (issue 13); one ``fsync`` each was
about 15 s of waiting. Outside the block every file is still synced as it is
written; inside, the file is still written under a temporary name and
renamed, and one sync follows the block, even when it fails.
"""

from __future__ import annotations

import os
import threading

import pytest

from halluxpath.imaging import storage


def _count(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"fsync": 0, "sync": 0}
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls["fsync"] += 1
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "sync", lambda: calls.__setitem__("sync", calls["sync"] + 1))
    return calls


def test_each_file_is_synced_outside_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count(monkeypatch)
    storage.store_document(b"one", ".pdf", folder="consent")
    storage.store(b"two", ".dcm", b"png")
    assert calls == {"fsync": 3, "sync": 0}


def test_inside_the_block_the_files_are_synced_once_on_leaving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _count(monkeypatch)
    with storage.synced_once():
        first, _ = storage.store_document(b"one", ".pdf", folder="consent")
        stored, display, _ = storage.store(b"two", ".dcm", b"png")
        assert calls == {"fsync": 0, "sync": 0}
    assert calls == {"fsync": 0, "sync": 1}
    assert storage.media_path(first).read_bytes() == b"one"
    assert storage.media_path(stored).read_bytes() == b"two"
    assert storage.media_path(display).read_bytes() == b"png"
    leftovers = [p for p in storage.media_path(first).parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    storage.store_document(b"after", ".pdf", folder="consent")
    assert calls == {"fsync": 1, "sync": 1}


def test_a_failing_block_still_syncs_what_it_wrote(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count(monkeypatch)

    def fail_inside() -> None:
        with storage.synced_once():
            storage.store_document(b"one", ".pdf", folder="consent")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fail_inside()
    assert calls["sync"] == 1


def test_another_thread_still_syncs_each_file(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count(monkeypatch)
    with storage.synced_once():
        worker = threading.Thread(
            target=storage.store_document, args=(b"x", ".pdf"), kwargs={"folder": "consent"}
        )
        worker.start()
        worker.join()
        assert calls == {"fsync": 1, "sync": 0}
