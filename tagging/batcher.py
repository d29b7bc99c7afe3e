"""Dynamic batching: concurrent callers' items are tagged together, one batch at a time, by one worker thread.

Tagging one video costs ~3x more than its share of a 256-video batch (fixed per-call costs: a Neo4j
round trip, four FAISS searches, a model forward). Under concurrent load, requests that arrive while
the worker is busy queue up and go into the next batch; a lone request is served at once, never held
back waiting for company."""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Callable


class Batcher:
    """submit(item) blocks until fn(batch of items) has produced that item's result."""

    def __init__(self, fn: Callable[[list], list], max_batch: int = 64, name: str = "batcher"):
        self.fn, self.max_batch = fn, max_batch
        self.queue: queue.Queue[tuple[object, Future]] = queue.Queue()
        self.worker = threading.Thread(target=self._run, name=name, daemon=True)
        self.worker.start()

    def submit(self, item, timeout: float | None = None):
        """The result fn gave for item; fn's exception is raised here, in every caller of that batch."""
        fut: Future = Future()
        self.queue.put((item, fut))
        return fut.result(timeout)

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                results = self.fn([item for item, _ in batch])
                for (_, fut), result in zip(batch, results, strict=True):
                    fut.set_result(result)
            except BaseException as exc:   # every waiting caller gets the error, the worker lives on
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
