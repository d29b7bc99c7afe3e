"""Dynamic batching of concurrent tagging calls: results reach the right caller, errors reach every caller."""
from __future__ import annotations

import threading
import time

import pytest

from tagging.batcher import Batcher


def test_concurrent_items_are_batched_and_answered_in_order():
    sizes = []

    def slow_square(items):
        sizes.append(len(items))
        time.sleep(0.05)           # while the worker is busy, other callers queue up
        return [i * i for i in items]

    b = Batcher(slow_square, max_batch=8)
    got = {}
    threads = [threading.Thread(target=lambda i=i: got.__setitem__(i, b.submit(i))) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert got == {i: i * i for i in range(20)}
    assert max(sizes) > 1 and max(sizes) <= 8 and sum(sizes) == 20


def test_an_error_reaches_every_caller_of_the_batch_and_the_worker_survives():
    def fail_on_three(items):
        if 3 in items:
            raise ValueError("bad item 3")
        return items

    b = Batcher(fail_on_three)
    with pytest.raises(ValueError, match="bad item 3"):
        b.submit(3)
    assert b.submit(4) == 4
