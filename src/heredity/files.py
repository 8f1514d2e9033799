"""Writing output files without following symbolic links (packs, reports, scorecards, suites).

A file is written to a fresh temporary name beside its destination (created exclusively, never
through a link) and renamed into place, so a link already at the destination is never followed
and a failure leaves nothing half-written. A pack directory that is a link, or that holds links,
is refused before anything is written: whatever Heredity writes stays inside the directory named.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from heredity.errors import BadInput

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_DIR_FD = os.open in os.supports_dir_fd and os.replace in os.supports_dir_fd


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _chunks(data: str | Iterable[str]) -> Iterable[bytes]:
    if isinstance(data, str):
        yield data.encode("utf-8")
        return
    for part in data:
        yield part.encode("utf-8")


def _write_at(dir_fd: int | None, folder: Path, name: str, data: str | Iterable[str]) -> None:
    """Write ``name`` in ``folder`` (opened as ``dir_fd`` where the OS allows) through a temp
    file created exclusively, then renamed over ``name``: a link at ``name`` is replaced, never
    followed."""
    tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    at = {"dir_fd": dir_fd} if dir_fd is not None else {}
    tmp_path = tmp if dir_fd is not None else str(folder / tmp)
    dest = name if dir_fd is not None else str(folder / name)
    fd = os.open(tmp_path, _NEW, 0o644, **at)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in _chunks(data):
                fh.write(chunk)
        if dir_fd is not None:
            os.replace(tmp_path, dest, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        else:
            os.replace(tmp_path, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_path, **at)
        raise


def _check_name(name: str) -> None:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise BadInput(f"file name {name!r}: must be a plain name inside the output directory")


def write_file(path: str | Path, data: str | Iterable[str], *, param: str = "out") -> Path:
    """Write UTF-8 text to ``path`` (its directory created), never through a symbolic link.

    A ``path`` that is a link or a directory is refused (BadInput naming ``param``) and nothing is
    written.
    """
    dest = Path(path)
    if dest.is_symlink():
        raise BadInput(
            f"{param}: {dest} is a symbolic link (to {_link_target(dest)}); Heredity does not "
            "write through links: name a regular file",
            param=param,
        )
    if dest.is_dir():
        raise BadInput(f"{param}: {dest} is a directory; name a file", param=param)
    _check_name(dest.name)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _write_at(None, dest.parent, dest.name, data)
    except OSError as exc:
        raise BadInput(
            f"{param}: cannot write {dest} ({exc.strerror or exc})", param=param
        ) from None
    return dest


class OutDir:
    """A directory to write a set of files into, never outside it and never through a link.

    Opening refuses (BadInput naming ``param``) a path that is a link, is not a directory, or
    holds a link; then :meth:`write` puts each file in place through a temp file.
    Use as a context manager (it holds the directory open).
    """

    def __init__(self, path: str | Path, *, param: str = "out_dir") -> None:
        self.path = Path(path)
        self.param = param
        self._fd: int | None = None
        p = self.path
        if p.is_symlink():
            raise BadInput(
                f"{param}: {p} is a symbolic link (to {_link_target(p)}); Heredity writes only "
                "into a real directory: name one",
                param=param,
            )
        if p.exists() and not p.is_dir():
            raise BadInput(f"{param}: {p} exists and is not a directory", param=param)
        try:
            p.mkdir(parents=True, exist_ok=True)
            if _DIR_FD:
                self._fd = os.open(p, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
        except OSError as exc:
            raise BadInput(
                f"{param}: cannot open {p} ({exc.strerror or exc})", param=param
            ) from None
        links = sorted(e.name for e in os.scandir(p) if e.is_symlink())
        if links:
            self.close()
            raise BadInput(
                f"{param}: {p} holds symbolic links ({', '.join(links)}); Heredity never writes "
                "through links: remove them or name an empty directory",
                param=param,
            )

    def write(self, name: str, data: str | Iterable[str]) -> Path:
        """Write the file ``name`` (a plain name) into the directory; returns its path."""
        _check_name(name)
        try:
            _write_at(self._fd, self.path, name, data)
        except OSError as exc:
            raise BadInput(
                f"{self.param}: cannot write {self.path / name} ({exc.strerror or exc})",
                param=self.param,
            ) from None
        return self.path / name

    def close(self) -> None:
        """Release the directory."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> OutDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["OutDir", "write_file"]
