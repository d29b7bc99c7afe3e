"""Files several processes share (one data folder, several API processes): whole files, unique temp names."""
import multiprocessing as mp

import numpy as np

from tagkg.files import atomic_write, locked, write_text
from video.encode import DIM, TextEncoder, segments


def _hammer(path: str, value: int, rounds: int) -> None:
    for _ in range(rounds):
        atomic_write(path, lambda tmp: np.save(tmp, np.full((200, 512), value, np.float16)))


def test_processes_writing_one_file_never_tear_it_or_leave_temp_files(tmp_path):
    target = tmp_path / "cache" / "use-vecs.npy"
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_hammer, args=(str(target), v, 30)) for v in (1, 2, 3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert [p.exitcode for p in procs] == [0, 0, 0]   # with one shared temp name, renames failed
    arr = np.load(target)
    assert arr.shape == (200, 512) and len(np.unique(arr)) == 1   # one writer's whole file
    assert [f.name for f in target.parent.iterdir()] == ["use-vecs.npy"]


def test_a_failed_write_keeps_the_old_file_and_no_temp(tmp_path):
    path = write_text(tmp_path / "LATEST", "v1\n")

    def fail(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    try:
        atomic_write(path, fail)
    except OSError:
        pass
    assert path.read_text() == "v1\n" and sorted(f.name for f in tmp_path.iterdir()) == ["LATEST"]


def _save_cache(folder: str, seed: int) -> None:
    enc = TextEncoder(folder)
    rng = np.random.default_rng(seed)
    for i in range(20):   # segments of growing size, as an encoder filling its cache writes them
        n = 10 + i + seed
        enc._save([bytes([seed, i, k]) + bytes(17) for k in range(n)], rng.random((n, DIM)).astype(np.float16))


def test_text_cache_segments_stay_consistent_across_processes(tmp_path):
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_save_cache, args=(str(tmp_path), s)) for s in (1, 2)]
    for p in procs:
        p.start()
    loaded = []
    while any(p.is_alive() for p in procs):
        enc = TextEncoder(tmp_path)
        loaded.append((len(enc._index), len(enc)))   # every segment read whole: as many keys as vectors
    for p in procs:
        p.join()
    assert [p.exitcode for p in procs] == [0, 0]
    assert loaded and all(k == v for k, v in loaded) and any(k for k, _ in loaded)
    assert [n for n, _, _ in segments(tmp_path)] == list(range(1, 41))   # no two writers took one number
    assert len(TextEncoder(tmp_path)) == sum(10 + i + s for s in (1, 2) for i in range(20))
    with locked(tmp_path / "use"):   # the lock is free again
        pass
