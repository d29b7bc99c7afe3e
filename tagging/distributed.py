"""`tagkg tag-all --ray`: tag-all as a Ray Data job. The driver cuts the stored videos into id ranges; an actor
pool tags them, each actor connecting to Neo4j and loading the tagger once from the shared model folder; a range's
videos stream from Neo4j in pages and each page's HAS_TAG edges are replaced in one transaction. A worker that
dies is restarted by Ray and the ranges it held are redone, which changes nothing already written."""
from __future__ import annotations

import os

import numpy as np
from tqdm import tqdm

from tagging import store

RANGE = 2048                          # videos per id range: the unit of work a dead worker's replacement redoes
LOCAL_OBJECT_STORE = 256 * 2 ** 20    # a local cluster carries only ranges and counts


def worker_settings(settings):
    """The settings a worker gets: no API keys, and no password (a worker reads its own NEO4J_PASSWORD or .env,
    else the local server's password file), so no secret travels through Ray's object store."""
    return settings.with_(api_keys=(), neo4j_password=None)


class TagRanges:
    """A Ray Data actor: loads the tagger once, then tags whole id ranges {after, upto}."""

    def __init__(self, settings, prefix: str, rank_version: str | None, batch: int, persist: bool):
        from graph.db import connect
        from tagging.tagger import get_tagger
        from tagkg.config import Settings

        settings = settings.with_(neo4j_password=Settings.from_env().neo4j_password)
        self.graph = connect(settings, start=False)
        self.tagger = get_tagger(self.graph, settings, prefix, rank_version)
        self.prefix, self.batch, self.persist = prefix, batch, persist

    def __call__(self, ranges: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from tagging.tagger import tag_pages

        done = [tag_pages(self.graph, self.tagger, store.iter_video_ids(self.graph, self.prefix, self.batch,
                                                                        str(after), str(upto)), self.persist)
                for after, upto in zip(ranges["after"], ranges["upto"])]
        return {"upto": ranges["upto"], "videos": np.array([d[0] for d in done], np.int64),
                "edges": np.array([d[1] for d in done], np.int64)}


def tag_all_ray(graph, settings, address: str | None = None, workers: int | None = None, range_size: int | None = None,
                batch: int = 256, persist: bool = True, prefix: str = "", progress: bool = True) -> dict:
    """Tag every stored video on a Ray cluster: the one already initialised in this process, else `address`
    ('auto', 'ray://host:10001', ...; None = RAY_ADDRESS, else a new local cluster). `workers` actors (default:
    the cluster's CPUs), one CPU each; ranges of `range_size` videos (default RANGE)."""
    import ray

    from tagging.tagger import RECALL_ONLY, latest_rank_version

    ranges = list(store.iter_id_ranges(graph, prefix, range_size or RANGE))
    version = latest_rank_version(settings)
    started = not ray.is_initialized()
    if started:
        local = address is None and not os.environ.get("RAY_ADDRESS")
        ray.init(address=address, log_to_driver=False,
                 **({"object_store_memory": LOCAL_OBJECT_STORE, "include_dashboard": False} if local else {}))
    try:
        ray.data.DataContext.get_current().enable_progress_bars = False   # one bar: ours, in videos
        workers = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        totals = {"videos": 0, "has_tag_written": 0}
        if ranges:
            ds = ray.data.from_items([{"after": r["after"], "upto": r["upto"]} for r in ranges],
                                     override_num_blocks=len(ranges))
            out = ds.map_batches(TagRanges, fn_constructor_args=(worker_settings(settings), prefix, version, batch,
                                                                 persist),
                                 batch_size=1, compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1)
            with tqdm(desc="tag-all (ray)", unit="video", total=sum(r["n"] for r in ranges),
                      disable=not progress) as bar:
                for row in out.iter_rows():
                    totals["videos"] += int(row["videos"])
                    totals["has_tag_written"] += int(row["edges"])
                    bar.update(int(row["videos"]))
    finally:
        if started:
            ray.shutdown()
    return {**totals, "model": version or RECALL_ONLY, "ranges": len(ranges), "workers": workers}
