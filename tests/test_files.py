"""The one atomic writer and the exact reader every command and cache uses."""

from __future__ import annotations

import os
import stat

import pytest

from drafter.files import cache_root, read_exact, unreadable, write_atomic


@pytest.mark.parametrize(
    ("data", "on_disk"),
    [
        ("line\r\nnext\n", b"line\r\nnext\n"),  # CRLF kept: no newline translation
        ("héllo", "héllo".encode("utf-8")),
        (b"\x89PNG\r\n", b"\x89PNG\r\n"),  # a bundle's image, byte for byte
        ("", b""),
    ],
)
def test_write_atomic_is_byte_exact(tmp_path, data, on_disk):
    path = tmp_path / "sub" / "post.md"
    write_atomic(path, data)
    assert path.read_bytes() == on_disk
    assert [p.name for p in path.parent.iterdir()] == ["post.md"]  # no temporary file left behind


def test_write_atomic_without_overwrite_refuses_an_existing_file(tmp_path):
    """A file that appeared meanwhile is never replaced, and keeps its bytes."""
    path = tmp_path / "post.md"
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_atomic(path, "theirs", overwrite=False)
    assert path.read_text(encoding="utf-8") == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["post.md"]


def test_write_atomic_keeps_an_overwritten_files_mode_and_gives_new_ones_the_umask(tmp_path):
    """Regression: mkstemp's 0600 leaked onto new drafts, and an overwritten file lost its mode."""
    old = tmp_path / "old.md"
    old.write_text("x", encoding="utf-8")
    os.chmod(old, 0o640)
    write_atomic(old, "y")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    umask = os.umask(0o022)
    try:
        new = tmp_path / "new.md"
        write_atomic(new, "z")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644


def test_read_exact_keeps_line_endings(tmp_path):
    path = tmp_path / "draft.md"
    path.write_bytes(b"a\r\nb\rc\n")
    assert read_exact(path) == "a\r\nb\rc\n"


@pytest.mark.parametrize(("environ", "expected_tail"), [({"DRAFTER_CACHE_DIR": "/x/y"}, "/x/y")])
def test_cache_root_honours_the_environment(environ, expected_tail):
    assert str(cache_root(environ)) == expected_tail


def _error_reading(tmp_path, make) -> Exception:
    path = make(tmp_path)
    try:
        read_exact(path)
    except (OSError, UnicodeDecodeError) as error:
        return error
    raise AssertionError("read")


def _no_permission(tmp_path):
    path = tmp_path / "locked.md"
    path.write_text("x", encoding="utf-8")
    path.chmod(0)
    return path


def _latin1(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes("caf\u00e9\n".encode("latin-1"))
    return path


@pytest.mark.parametrize(("make", "reason"), [
    (lambda root: root / "missing.md", "there is no such file; check the path"),
    (lambda root: root, "it is a folder; name a file"),
    (_latin1, "it is not UTF-8 text (byte 0xe9 at offset 3); save it as UTF-8 and run again"),
    pytest.param(_no_permission, "permission denied; check the file's permissions",
                 marks=pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")),
], ids=["missing", "a folder", "latin-1", "no permission"])
def test_why_a_file_cannot_be_read_says_what_to_do(tmp_path, make, reason):
    """Regression: a Latin-1 draft gave "cannot be read as UTF-8 text ('utf-8' codec can't decode byte 0xe9 in
    position 3: invalid continuation byte)", and a folder "[Errno 21] Is a directory": what, but not what to do."""
    assert unreadable(_error_reading(tmp_path, make)) == reason
