"""The gzip reader under the addon extractor: inflated bytes out, a hash of the raw bytes.

Why a module of its own: it is the one threaded, bounded, hashing piece of the addon
path (tarsafe.py judges members; this only turns a file into a stream of bytes), and
it is where a gzip bomb outside the members is stopped (:data:`MAX_HEADER_READ`,
:data:`MAX_TRAILER`).
"""

from __future__ import annotations

import hashlib
import queue
import threading
import zlib
from collections.abc import Iterator
from typing import IO, Any

from pai_runtime.units import human_size as human

#: Raw bytes read from the file per step.
CHUNK = 1 << 20
_OUT_CHUNK = 4 << 20
_GZIP_MAGIC = b"\x1f\x8b"
#: Largest single read tarfile may make outside a member's data: a pax or GNU long-name
#: header's data, read into memory at once (and held while chained headers recurse).
#: Real ones are small (a path is at most 4 KiB, an xattr value 64 KiB).
MAX_HEADER_READ = 256 << 10
#: Inflated bytes accepted after the tar's end-of-archive marker (tar pads to 10 KiB
#: records; a few MiB of zeros leave room for any blocking factor), so a small archive
#: cannot make us inflate gigabytes of zeros the tar never uses.
MAX_TRAILER = 16 << 20


class StreamError(OSError):
    """The file is not a complete gzip stream (truncated, not gzip, trailing garbage)."""


class GzipStream:
    """A file-like ``read()`` of the inflated bytes of a gzip file, hashing the raw bytes.

    Why not :mod:`gzip`: we need the hash of exactly the bytes read (one pass for hash
    and extraction), bounded output per step (a bomb must not inflate into memory), a
    clear error for a truncated or trailing-garbage stream, and, when ``threaded``,
    inflation on a second core while the caller writes files (as ``tar -xzf`` pipes
    through a separate gzip).
    """

    def __init__(self, raw: IO[bytes], *, threaded: bool = False) -> None:
        self.raw = raw
        #: reads above this are refused; tarsafe.extract raises it while copying a member's data
        self.max_read = MAX_HEADER_READ
        self.sha = hashlib.sha256()
        self.raw_bytes = 0
        self.out_bytes = 0
        self._buf = b""
        self._pos = 0
        self._told = 0
        self._gen = self._inflate()
        self._q: queue.Queue[Any] | None = None
        self._stop = threading.Event()
        if threaded:
            self._q = queue.Queue(maxsize=8)
            self._thread = threading.Thread(target=self._produce, name="addon-inflate", daemon=True)
            self._thread.start()

    def _raw(self) -> bytes:
        data = self.raw.read(CHUNK)
        self.sha.update(data)
        self.raw_bytes += len(data)
        return data

    def _inflate(self) -> Iterator[bytes]:
        """Inflate every gzip member in turn (``cat a.gz b.gz`` is a valid gzip file)."""
        d: Any = None
        members = 0
        pending = b""
        full = False
        while True:
            data = self._raw()
            if not data:
                break
            data, pending = pending + data, b""
            while data or full:
                if d is None and members:
                    data = data.lstrip(b"\0")  # zero padding after a member, as gzip(1) allows
                    if not data:
                        break
                if d is None:
                    if len(data) < 2:
                        pending = data
                        break
                    if data[:2] != _GZIP_MAGIC:
                        raise StreamError("trailing garbage after the gzip stream" if members
                                          else "not gzip-compressed (expected a .tar.gz)")
                    d = zlib.decompressobj(31)
                out = d.decompress(data, _OUT_CHUNK)
                full = len(out) == _OUT_CHUNK
                if out:
                    self.out_bytes += len(out)
                    yield out
                if d.eof:
                    data, d, full = d.unused_data, None, False
                    members += 1
                else:
                    data = d.unconsumed_tail
        if pending:
            raise StreamError("trailing garbage after the gzip stream")
        if d is not None:
            raise StreamError("truncated gzip stream (the file is incomplete)")
        if not members:
            raise StreamError("empty file (expected a .tar.gz)")

    def _produce(self) -> None:
        assert self._q is not None
        try:
            for out in self._gen:
                while not self._stop.is_set():
                    try:
                        self._q.put(out, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            self._put_end(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            self._put_end(exc)

    def _put_end(self, item: BaseException | None) -> None:
        assert self._q is not None
        while not self._stop.is_set():
            try:
                self._q.put(("end", item), timeout=0.2)
                return
            except queue.Full:
                continue

    def _next(self) -> bytes:
        if self._q is None:
            return next(self._gen, b"")
        item = self._q.get()
        if isinstance(item, tuple):
            self._q.put(item)  # keep the end marker for later reads
            if item[1] is not None:
                raise item[1]
            return b""
        return item

    def read(self, n: int = -1) -> bytes:
        """Exactly ``n`` bytes unless the stream ends first (tarfile relies on that)."""
        if n is None or n < 0 or n > self.max_read:
            raise StreamError(f"a tar header holds more than {human(self.max_read)} of extended data "
                              "(pax or long-name header; crafted archive?)")
        avail = len(self._buf) - self._pos
        if n <= avail:
            out = self._buf[self._pos:self._pos + n]
            self._pos += n
        else:
            parts = [self._buf[self._pos:]]
            need = n - avail
            self._buf, self._pos = b"", 0
            while need > 0:
                chunk = self._next()
                if not chunk:
                    break
                if len(chunk) > need:
                    parts.append(chunk[:need])
                    self._buf, self._pos = chunk, need
                    need = 0
                else:
                    parts.append(chunk)
                    need -= len(chunk)
            out = b"".join(parts)
        self._told += len(out)
        return out

    def tell(self) -> int:
        return self._told

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        """Forward only (skipping a member's data inflates and drops it): enough for
        tarfile reading an archive member by member."""
        if whence == 1:
            pos += self._told
        elif whence != 0:
            raise OSError("cannot seek from the end of a gzip stream")
        skip = pos - self._told
        if skip < 0:
            raise OSError("cannot seek backwards in a gzip stream")
        while skip > 0:
            avail = len(self._buf) - self._pos
            if not avail:
                self._buf, self._pos = self._next(), 0
                if not self._buf:
                    break
                continue
            take = min(avail, skip)
            self._pos += take
            self._told += take
            skip -= take
        return self._told

    def drain(self) -> None:
        """Read to the end of the gzip stream (finishing the hash, catching truncation),
        accepting at most :data:`MAX_TRAILER` inflated bytes after the tar's end."""
        left = MAX_TRAILER - (len(self._buf) - self._pos)
        self._buf, self._pos = b"", 0
        while chunk := self._next():
            left -= len(chunk)
            if left < 0:
                raise StreamError(f"more than {human(MAX_TRAILER)} of data after the end of the tar archive "
                                  "(gzip bomb?)")

    def close(self) -> None:
        self._stop.set()
        if self._q is not None:
            self._thread.join(timeout=5)

    def hexdigest(self) -> str:
        return self.sha.hexdigest()
