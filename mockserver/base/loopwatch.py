"""The event-loop watchdog: notices every callback that holds an asyncio loop too long.

One asyncio loop serves every tenant of a sandbox, so one slow callback (a quadratic scan of a
client's text, a blocking call) stalls every caller at once. A `LoopWatch` times each callback
any asyncio loop of the process runs (`asyncio.Handle._run`, which runs task steps, I/O
callbacks and timers alike), in real time and in the loop thread's CPU time, and records an
`Overrun` for each one over its budget: what ran, how long, and where the loop thread was while
it was over budget (a stack sampled by a helper thread; none when the callback held the GIL in
one C call throughout).

Used by `mockserver serve --loop-watchdog-ms N` (overruns logged as warnings, and appended as
JSON lines to `--loop-watchdog-report PATH`), and by this project's test suite, which fails any
test during which a callback overran (tests/conftest.py). A callback costs about 1 µs more
while a watch is installed; none is installed by default.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from types import FrameType
from typing import Any, Final

STACK_FRAMES: Final = 25  # innermost frames kept of a sampled stack
KEEP: Final = 200  # overruns a watch keeps until taken


@dataclass(frozen=True)
class Overrun:
    """One callback that held its loop longer than a watch's budget."""

    callback: str  # what ran: a task and its coroutine, or the callback itself
    wall_ms: float  # real time the loop was held
    cpu_ms: float  # CPU time the loop thread spent in it
    gc_ms: float  # of which the garbage collector's (real time)
    thread: str
    pid: int
    stack: str | None  # where the loop thread was while over budget, innermost last

    def describe(self) -> str:
        """One paragraph for a log or a test failure."""
        gc = f", {self.gc_ms:.0f} ms of it collecting garbage" if self.gc_ms >= 1 else ""
        text = (
            f"{self.callback} held the event loop {self.wall_ms:.0f} ms "
            f"({self.cpu_ms:.0f} ms CPU{gc}) in thread {self.thread!r}"
        )
        if self.stack:
            text += "; the loop thread was at:\n" + self.stack.rstrip()
        return text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class LoopWatch:
    """Records callbacks over `wall_ms` of real time or (if given) `cpu_ms` of the loop
    thread's CPU time, in `loop` (default: in any loop of the process); `on_overrun` is called
    for each, in the loop's thread. With
    `count_gc=False` the garbage collector's pauses do not count against the budgets (they
    grow with the whole process's heap, which in a test run is mostly the test framework's)."""

    def __init__(
        self,
        wall_ms: float,
        cpu_ms: float | None = None,
        on_overrun: Callable[[Overrun], None] | None = None,
        *,
        count_gc: bool = True,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if not wall_ms > 0 or (cpu_ms is not None and not cpu_ms > 0):
            raise ValueError("a loop watch's budgets must be more than 0 ms")
        self.wall = wall_ms / 1000
        self.cpu = cpu_ms / 1000 if cpu_ms is not None else None
        self.count_gc = count_gc
        self.loop = loop  # None: every loop of the process
        self.on_overrun = on_overrun
        self._overruns: deque[Overrun] = deque(maxlen=KEEP)

    @property
    def threshold(self) -> float:
        """Below this much real time no callback can overrun (CPU time never exceeds it)."""
        return self.wall if self.cpu is None else min(self.wall, self.cpu)

    def over(self, wall: float, cpu: float, gc_wall: float, gc_cpu: float) -> bool:
        if not self.count_gc:
            wall, cpu = wall - gc_wall, cpu - gc_cpu
        return wall > self.wall or (self.cpu is not None and cpu > self.cpu)

    def record(self, overrun: Overrun) -> None:
        self._overruns.append(overrun)
        if self.on_overrun is not None:
            self.on_overrun(overrun)

    def take(self) -> list[Overrun]:
        """The overruns recorded since the last `take`, oldest first."""
        taken = []
        while self._overruns:
            taken.append(self._overruns.popleft())
        return taken

    def install(self) -> LoopWatch:
        _install(self)
        return self

    def uninstall(self) -> None:
        _uninstall(self)


# -- the process-wide hook ----------------------------------------------------------------------
_original_run: Final = asyncio.events.Handle._run
_watches: list[LoopWatch] = []
_threshold = float("inf")
# thread id -> (real start, CPU start, handle) of the callback that thread is running now
_running: dict[int, tuple[float, float, asyncio.Handle]] = {}
# thread id -> (real start of the callback, its stack) sampled while it was over the threshold:
# file names and line numbers only; the source lines are read when an overrun is reported, so
# sampling a late callback reads no file and grows no cache (a test measuring its heap with
# tracemalloc would count what the sampler's thread loaded)
_samples: dict[int, tuple[float, traceback.StackSummary]] = {}
_sampler: threading.Thread | None = None
# real and CPU time spent collecting garbage, ever (collections run in the thread that
# triggers them, holding the GIL: the delta over a callback is that callback's, or was spent
# while it waited for the GIL)
_gc_wall = 0.0
_gc_cpu = 0.0
_gc_started = (0.0, 0.0)
_stop_sampler = threading.Event()
_lock = threading.Lock()


def _timed_run(handle: asyncio.Handle) -> None:
    thread = threading.get_ident()
    gc0 = (_gc_wall, _gc_cpu)
    wall0 = time.perf_counter()
    cpu0 = time.thread_time()
    _running[thread] = (wall0, cpu0, handle)
    try:
        _original_run(handle)
    finally:
        wall = time.perf_counter() - wall0
        _running.pop(thread, None)
        if wall > _threshold:
            _report(handle, thread, wall0, wall, time.thread_time() - cpu0, gc0)


def _report(
    handle: asyncio.Handle,
    thread: int,
    wall0: float,
    wall: float,
    cpu: float,
    gc0: tuple[float, float],
) -> None:
    sample = _samples.pop(thread, None)
    gc_wall, gc_cpu = _gc_wall - gc0[0], min(_gc_cpu - gc0[1], cpu)
    loop = getattr(handle, "_loop", None)
    watching = [w for w in list(_watches) if w.loop in (None, loop)]
    if not any(w.over(wall, cpu, gc_wall, gc_cpu) for w in watching):
        return  # late, but within every budget: nothing to format or record
    stack = "".join(sample[1].format()) if sample is not None and sample[0] == wall0 else None
    overrun = Overrun(
        callback=describe(handle),
        wall_ms=round(wall * 1000, 1),
        cpu_ms=round(cpu * 1000, 1),
        gc_ms=round(gc_wall * 1000, 1),
        thread=threading.current_thread().name,
        pid=os.getpid(),
        stack=stack,
    )
    for watch in watching:
        if watch.over(wall, cpu, gc_wall, gc_cpu):
            with contextlib.suppress(Exception):  # a watch never breaks the loop it watches
                watch.record(overrun)


def _time_gc(phase: str, info: dict[str, Any]) -> None:
    global _gc_wall, _gc_cpu, _gc_started
    if phase == "start":
        _gc_started = (time.perf_counter(), time.thread_time())
    else:
        _gc_wall += time.perf_counter() - _gc_started[0]
        _gc_cpu += time.thread_time() - _gc_started[1]


def describe(handle: asyncio.Handle) -> str:
    """What a handle runs: `task 'NAME' (coroutine QUALNAME)` for a task's step, else the
    handle as asyncio shows it."""
    callback = getattr(handle, "_callback", None)
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        name = getattr(coro, "__qualname__", type(coro).__name__)
        return f"task {owner.get_name()!r} (coroutine {name})"
    return repr(handle)


def _sample_stacks() -> None:
    """While a callback is over the lowest threshold, keep the latest stack of its thread."""
    while not _stop_sampler.wait(max(min(_threshold / 2, 0.05), 0.005)):
        now = time.perf_counter()
        late = [(t, w) for t, (w, _, _) in list(_running.items()) if now - w > _threshold]
        if not late:
            continue
        frames = sys._current_frames()
        for thread, wall0 in late:
            frame = frames.get(thread)
            if frame is not None:
                _samples[thread] = (wall0, _callback_stack(frame))
        del frames


def _callback_stack(frame: FrameType | None) -> traceback.StackSummary:
    """The frames of the callback itself, innermost last (not the loop's, nor the watch's),
    their source lines not yet read."""
    inside: list[FrameType] = []
    while frame is not None and frame.f_code is not _timed_run.__code__:
        inside.append(frame)
        frame = frame.f_back
    inside.reverse()
    if inside and inside[0].f_code is _original_run.__code__:
        del inside[0]
    frames = ((f, f.f_lineno) for f in inside[-STACK_FRAMES:])
    return traceback.StackSummary.extract(frames, lookup_lines=False)


def _install(watch: LoopWatch) -> None:
    global _threshold, _sampler
    with _lock:
        if watch in _watches:
            return
        _watches.append(watch)
        _threshold = min(w.threshold for w in _watches)
        asyncio.events.Handle._run = _timed_run  # type: ignore[method-assign,assignment]
        if _time_gc not in gc.callbacks:
            gc.callbacks.append(_time_gc)
        if _sampler is None or not _sampler.is_alive():
            _stop_sampler.clear()
            _sampler = threading.Thread(target=_sample_stacks, name="loopwatch", daemon=True)
            _sampler.start()


def _uninstall(watch: LoopWatch) -> None:
    global _threshold, _sampler
    with _lock:
        with contextlib.suppress(ValueError):
            _watches.remove(watch)
        if _watches:
            _threshold = min(w.threshold for w in _watches)
            return
        _threshold = float("inf")
        asyncio.events.Handle._run = _original_run  # type: ignore[method-assign]
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(_time_gc)
        _stop_sampler.set()
        _sampler = None
        _samples.clear()


# -- the server's option --------------------------------------------------------------------------
def serve_watch(
    wall_ms: float, report: str | None = None, loop: asyncio.AbstractEventLoop | None = None
) -> LoopWatch:
    """The watch of `mockserver serve --loop-watchdog-ms` over the server's `loop`: each
    overrun is a warning in the log and, with `report`, one JSON line appended to that file."""
    import logging

    log = logging.getLogger("mockserver.loop")

    def overran(overrun: Overrun) -> None:
        log.warning(
            "event loop stalled: %s",
            overrun.describe(),
            extra={"event": "loop-stall", "wall_ms": overrun.wall_ms, "cpu_ms": overrun.cpu_ms},
        )
        if report:
            with contextlib.suppress(OSError), open(report, "a", encoding="utf-8") as out:
                out.write(json.dumps(overrun.to_json()) + "\n")

    return LoopWatch(wall_ms, on_overrun=overran, loop=loop)
