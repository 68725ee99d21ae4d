"""A sync's reading processes forked from this one, where it can fork (``forked.can_fork``), without a process
pool's machinery.

The first process forked runs ``setup`` (the checker loaded: ``run._loaded_worker``), then forks the others from
itself: the checker is loaded once, on the core this process leaves free, instead of once in each reading process
(or here, before forking them; about 60 ms each), and this process imports neither ``concurrent.futures`` nor
``multiprocessing`` (about 40 ms before the first plan is read) and runs no thread to feed them.

The work (a function, its first arguments, the chunks of plans) is written once to a temporary file the processes
share; the chunks' numbers go down one pipe, four bytes each, which every process takes from, four bytes at a
time: numbers are written a few hundred at once (at most PIPE_BUF bytes, which a pipe takes whole or not at all), so
it only ever holds whole ones, and a process that is done takes the next chunk. Each process sends what it
read down a pipe of its own, enlarged where the system allows (1 MB) so that a process seldom waits while this
one is busy before it collects; before a chunk it sends that it took it. A process that dies leaves the chunk it
took without a result: ``collect`` gives back every chunk without one, as ``run._collect`` gives a broken pool's.
The processes are a process group of their own: ``close`` ends them all at once, and a terminal's Ctrl-C reaches
only this process, which then ends them.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
from typing import Callable

from . import forked

_TASK = struct.Struct(">I")  # a chunk's number
_PIECE = getattr(select, "PIPE_BUF", 512) // _TASK.size * _TASK.size  # numbers written at once, at most PIPE_BUF
_FRAME = struct.Struct(">BIQ")  # what a process sends: its kind, the chunk's number, the length of what follows
_TOOK, _READ, _FAILED = 1, 2, 3
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ (Linux), named in fcntl only from Python 3.10


class ForkPool:
    """``jobs`` reading processes, forked now; ``submit`` gives them their work, ``collect`` takes what they read."""

    def __init__(self, jobs: int, setup: Callable[[], None]):
        forked._reap()
        self.work = forked.scratch()
        self.chunks: list[list] = []
        tasks, self.tasks = os.pipe()
        pipes = [os.pipe() for _ in range(jobs)]
        for _, write in pipes:
            _enlarge(write)
        self.pid: int | None = os.fork()
        self.group = self.pid  # the processes' group: the first one's id
        if self.pid == 0:  # the first process: never returns
            os.close(self.tasks)
            for read, _ in pipes:
                os.close(read)
            _first(setup, self.work.fileno(), tasks, [write for _, write in pipes])
        try:
            os.setpgid(self.pid, self.pid)  # as the process does first itself: whichever comes first
        except OSError:  # it did it already (and has started another program, or ended)
            pass
        os.close(tasks)
        for _, write in pipes:
            os.close(write)
        self.pipes = [read for read, _ in pipes]

    def submit(self, read: Callable, first: tuple, chunks: list[list]) -> None:
        """``read(*first, chunk)`` of each chunk, in the processes (each chunk read by one of them)."""
        self.chunks = chunks
        pickle.dump((read, first, chunks), self.work, pickle.HIGHEST_PROTOCOL)
        self.work.flush()  # all of it in the file before a process can take a chunk
        # Written in pieces of at most PIPE_BUF bytes, each at once or not at all: the pipe always holds whole numbers
        numbers = b"".join(map(_TASK.pack, range(len(chunks))))
        pieces = [numbers[at:at + _PIECE] for at in range(0, len(numbers), _PIECE)]
        os.set_blocking(self.tasks, False)
        while pieces:
            try:
                os.write(self.tasks, pieces[0])
            except BlockingIOError:
                break
            del pieces[0]
        if pieces:  # more chunks than the pipe holds: the rest written as the processes take them
            import threading

            threading.Thread(target=_feed, args=(self.tasks, pieces), daemon=True).start()
        else:
            os.close(self.tasks)  # no more: a process that finds the pipe empty ends
        self.tasks = -1

    def collect(self, results, report: Callable[[int, int], None], total: int) -> list[list]:
        """What the processes read, into ``results`` (``run._Results``) as it comes, ``report``\\ ing progress; the
        chunks no process read (its process died, or none was left to read them). An exception a process
        raised is raised here, the processes ended."""
        import selectors

        done: set[int] = set()
        try:
            with selectors.DefaultSelector() as selector:
                for fd in self.pipes:
                    selector.register(fd, selectors.EVENT_READ, _Frames())
                while selector.get_map():
                    for key, _ in selector.select():
                        frame = key.data.read(key.fd)
                        if frame is None:
                            continue
                        if frame is _ENDED:  # the process ended (a frame it left cut short is dropped)
                            selector.unregister(key.fd)
                            continue
                        kind, chunk, body = frame
                        if kind == _READ:
                            results.add(pickle.loads(body))
                            done.add(chunk)
                            report(len(results), total)
                        elif kind == _FAILED:
                            raise pickle.loads(body)
        except BaseException:
            self.close()
            raise
        self._end()
        return [chunk for number, chunk in enumerate(self.chunks) if number not in done]

    def close(self) -> None:
        """End the processes (the caller failed, or gave up on them)."""
        if self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:  # they have all ended
                pass
            self._end()

    def _end(self) -> None:
        if self.pid is not None:
            forked._ENDING.append(self.pid)  # waited for without waiting: it ends as its memory is given back
            self.pid = None
            forked._reap()
        for fd in self.pipes:
            os.close(fd)
        self.pipes = []
        if self.tasks >= 0:
            os.close(self.tasks)
            self.tasks = -1
        self.work.close()


_ENDED = object()  # what ``_Frames.read`` gives at a pipe's end


class _Frames:
    """What a process sends down its pipe, taken a frame at a time: its header, then its body read straight into a
    buffer kept from frame to frame (a chunk's is a few hundred KB: read so, it is copied once, from the pipe, not
    three times more through the pieces read, the frames gathered and cut out of them)."""

    def __init__(self):
        self.buffer = memoryview(bytearray(_FRAME.size))
        self.header: tuple[int, int, int] | None = None  # the frame whose body is being read
        self.want, self.got = _FRAME.size, 0

    def read(self, fd: int) -> tuple[int, int, memoryview] | object | None:
        """One read from ``fd`` (which has something to read, or has ended): the frame it completes (its kind, its
        chunk and its body, valid until the next read), None if it completes none, or ``_ENDED``."""
        got = os.readv(fd, [self.buffer[self.got:self.want]])
        if not got:
            return _ENDED
        self.got += got
        if self.got < self.want:
            return None
        self.got = 0
        if self.header is None:
            kind, chunk, length = _FRAME.unpack_from(self.buffer)
            if length == 0:
                return kind, chunk, self.buffer[:0]
            self.header, self.want = (kind, chunk, length), length
            if len(self.buffer) < length:
                self.buffer = memoryview(bytearray(max(length, 2 * len(self.buffer))))
            return None
        (kind, chunk, length), self.header, self.want = self.header, None, _FRAME.size
        return kind, chunk, self.buffer[:length]


def _enlarge(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_SIZE)
    except (ImportError, OSError):  # not Linux, or over the system's limit: the default size
        pass


def _feed(fd: int, pieces: list[bytes]) -> None:
    """The chunks' numbers the pipe did not hold at once, written as it empties (a thread of this process): a piece
    of at most PIPE_BUF bytes is written whole, never in part."""
    try:
        os.set_blocking(fd, True)
        for piece in pieces:
            os.write(fd, piece)
    except OSError:  # every process has ended: no one to read them
        pass
    finally:
        os.close(fd)


def _first(setup: Callable[[], None], work: int, tasks: int, pipes: list[int]) -> None:
    """The first process: its own process group, ``setup``, then the others forked from it, each reading."""
    code = 1
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # this process ends the group: never a Ctrl-C half-way
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the others, its children, are not left zombies
        setup()
        for number in range(1, len(pipes)):
            if os.fork() == 0:
                try:
                    _serve(work, tasks, pipes, number)
                    code = 0
                finally:
                    os._exit(code)
        _serve(work, tasks, pipes, 0)
        while True:  # ends after the others (never leaving them to be reaped by whoever takes orphans)
            try:
                os.wait()
            except ChildProcessError:
                break
        code = 0
    finally:
        os._exit(code)


def _serve(work: int, tasks: int, pipes: list[int], number: int) -> None:
    """A reading process: the chunks it takes read, each result sent down its pipe, until none is left."""
    for i, fd in enumerate(pipes):
        if i != number:
            os.close(fd)
    out, job = pipes[number], None
    while True:
        taken = os.read(tasks, _TASK.size)  # whole: the pipe only ever holds whole numbers
        if len(taken) < _TASK.size:
            break
        (chunk,) = _TASK.unpack(taken)
        _send(out, _TOOK, chunk, b"")
        if job is None:
            job = pickle.loads(os.pread(work, os.fstat(work).st_size, 0))
        read, first, chunks = job
        try:
            body, kind = pickle.dumps(read(*first, chunks[chunk]), pickle.HIGHEST_PROTOCOL), _READ
        except Exception as exc:  # a fault of mapsheet's own (a plan's problems come back as its error)
            body, kind = _failure(exc), _FAILED
        _send(out, kind, chunk, body)
    os.close(out)  # its end: ``collect`` knows it is done


def _send(fd: int, kind: int, chunk: int, body: bytes) -> None:
    data = memoryview(_FRAME.pack(kind, chunk, len(body)) + body)
    while data:
        data = data[os.write(fd, data):]


def _failure(exc: Exception) -> bytes:
    try:
        return pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
    except Exception:  # an exception that does not pickle: its words
        return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"), pickle.HIGHEST_PROTOCOL)
