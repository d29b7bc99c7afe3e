"""The `tagkg` command line; each command calls the same functions as the API."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tagkg.config import Settings


def _graph(ctx: click.Context):
    from graph.db import connect

    return connect(ctx.obj)


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """tagkg: a tag knowledge graph for short-video content (Neo4j + DGL + Flask)."""
    ctx.obj = Settings.from_env()


@main.command("neo4j")
@click.argument("action", type=click.Choice(["install", "start", "stop", "restart", "status", "wait"]))
@click.pass_context
def neo4j_cmd(ctx: click.Context, action: str) -> None:
    """Manage tagkg's own local Neo4j server (scripts/neo4j.sh)."""
    from graph.db import server

    proc = server(ctx.obj, action, check=False)
    click.echo((proc.stdout + proc.stderr).strip())
    sys.exit(proc.returncode)


@main.command("init-db")
@click.option("--taxonomy", "taxonomy_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Taxonomy YAML (default: the one shipped in taxonomy/).")
@click.pass_context
def init_db_cmd(ctx: click.Context, taxonomy_path: Path | None) -> None:
    """Create constraints, indexes and the taxonomy tree (idempotent)."""
    from graph.schema import init_db
    from taxonomy.tree import load_taxonomy

    result = init_db(_graph(ctx), load_taxonomy(taxonomy_path))
    click.echo(json.dumps(result))


@main.command("load")
@click.argument("kind", type=click.Choice(["videos", "products", "clicks", "tags", "labels"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="Input format (default: from the file suffix).")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None, help="Rows per transaction.")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where rejected rows go (default: FILE.rejects.jsonl).")
@click.option("--progress/--no-progress", default=True)
@click.pass_context
def load_cmd(ctx, kind, file, fmt, batch_size, rejects, progress) -> None:
    """Load a JSONL or CSV FILE of KIND rows; exits 1 if any row was rejected."""
    from loaders.load import load_file

    s: Settings = ctx.obj
    media = None
    if kind == "videos":   # rows may name a media file: read it like `tagkg ingest` does
        from media.ingest import media_rows
        media = media_rows(_graph(ctx), s)
    report = load_file(_graph(ctx), kind, file, fmt=fmt, batch_size=batch_size or s.batch_size,
                       rejects_path=rejects, progress=progress, max_line_bytes=s.max_line_bytes, media=media)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--ocr/--no-ocr", default=True, show_default=True, help="Read on-screen text of the keyframes.")
@click.option("--scan", type=click.Choice(["auto", "all", "keyframes"]), default="auto", show_default=True,
              help="Find scene cuts among all frames (4 a second), only the stream's key frames (several times "
                   "faster), or auto: key frames where their spacing shows every cut (README, 'Real video in').")
@click.option("--max-keyframes", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option("--tag/--no-tag", default=True, show_default=True, help="Tag the ingested videos at once.")
@click.option("--workers", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Files extracted at once (0: one per CPU core, at most 4).")
@click.option("--id-prefix", default="", help="Prefix of the new video ids (m + 20 hex digits of the file's SHA-256).")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where rejected files go (default: TAGKG_DATA_DIR/media/ingest.rejects.jsonl).")
@click.option("--progress/--no-progress", default=True)
@click.pass_context
def ingest_cmd(ctx, paths, ocr, scan, max_keyframes, tag, workers, id_prefix, rejects, progress) -> None:
    """Ingest video files (mp4, mov, mkv, webm), cover images and frame folders: keyframes, OCR, subtitles,
    visual features; exits 1 if any file was rejected."""
    from dataclasses import replace

    from media.asr import load_plugin
    from media.ingest import ingest
    from media.limits import Limits, MediaError

    s: Settings = ctx.obj
    try:
        plugin = load_plugin()
    except MediaError as e:
        raise click.ClickException(str(e)) from None
    report = ingest(_graph(ctx), s, list(paths), limits=replace(Limits(), max_keyframes=max_keyframes),
                    use_ocr=ocr, scan=scan, rejects_path=rejects, progress=progress, asr_plugin=plugin,
                    id_prefix=id_prefix, workers=workers)
    click.echo(report.summary())
    if tag and report.ids:
        from tagging.tagger import tag_stored
        results = tag_stored(_graph(ctx), s, report.ids)
        click.echo(f"tagged {len(results)} videos: "
                   + "; ".join(f"{r['video']}: {', '.join(t['name'] for t in r['core'] + r['related'])}"
                               for r in results[:5]) + (" ..." if len(results) > 5 else ""))
    sys.exit(0 if report.ok else 1)


@main.command("demo-clips")
@click.option("--clips", "n_clips", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--demo", "demo_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="A demo-data folder whose video texts the clips show (default: TAGKG_DATA_DIR/demo).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: TAGKG_DATA_DIR/demo/clips).")
@click.option("--progress/--no-progress", default=True)
@click.pass_context
def demo_clips_cmd(ctx, n_clips, seed, demo_dir, out, progress) -> None:
    """Render demo video clips (bundled photos, Chinese titles and subtitles, some subtitle tracks)."""
    from demo.clips import demo_clips

    demo_dir = demo_dir or ctx.obj.data_dir / "demo"
    paths = demo_clips(out or demo_dir / "clips", demo_dir / "videos.jsonl", n_clips, seed, progress=progress)
    click.echo(f"{len(paths)} clips in {paths[0].parent if paths else out}")


@main.command("demo-data")
@click.option("--videos", "n_videos", type=click.IntRange(1, 10_000_000), default=10_000, show_default=True)
@click.option("--tags", "n_tags", type=click.IntRange(100, 10_000_000), default=None,
              help="Tags in the library, whatever the corpus size (e.g. 1000000: the source system's size); "
                   "default: grows with --videos.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: TAGKG_DATA_DIR/demo).")
@click.pass_context
def demo_data_cmd(ctx, n_videos, n_tags, seed, out) -> None:
    """Write a synthetic Taobao-style corpus (tags, videos, products, clicks, ground truth)."""
    from demo.corpus import generate

    out = out or ctx.obj.data_dir / "demo"
    stats = generate(out, n_videos, seed=seed, n_tags=n_tags)
    click.echo(json.dumps(stats, ensure_ascii=False, indent=1))


@main.command("load-demo")
@click.option("--dir", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder written by demo-data (default: TAGKG_DATA_DIR/demo).")
@click.option("--progress/--no-progress", default=True)
@click.pass_context
def load_demo_cmd(ctx, folder, progress) -> None:
    """Load a demo-data folder in dependency order: tags, videos, products, clicks, labels."""
    from loaders.load import load_file

    s: Settings = ctx.obj
    folder = folder or s.data_dir / "demo"
    ok = True
    for kind, name in (("tags", "tags.jsonl"), ("videos", "videos.jsonl"),
                       ("products", "products.jsonl"), ("clicks", "clicks.jsonl"), ("labels", "labels.jsonl")):
        report = load_file(_graph(ctx), kind, folder / name, batch_size=s.batch_size, progress=progress,
                           max_line_bytes=s.max_line_bytes)
        click.echo(report.summary())
        ok &= report.ok
    sys.exit(0 if ok else 1)


@main.command("stats")
@click.pass_context
def stats_cmd(ctx) -> None:
    """Count the nodes and edges in the graph."""
    from graph.reads import graph_stats

    click.echo(json.dumps(graph_stats(_graph(ctx)), indent=1))


@main.command("serve")
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1: loopback only).")
@click.option("--port", type=int, default=None)
@click.option("--threads", type=int, default=8, show_default=True)
@click.pass_context
def serve_cmd(ctx, host, port, threads) -> None:
    """Serve the REST API with waitress (a production WSGI server)."""
    from api import create_app
    from api.serve import serve
    from api.tagging import warm

    s: Settings = ctx.obj
    s = s.with_(api_host=host or s.api_host, api_port=port or s.api_port)
    app = create_app(s)
    warm(app)   # /healthz answers 503 "loading" until the tagger is in memory
    base = f"http://{s.api_host}:{s.api_port}"
    click.echo(f"tagkg API      {base}/v1  (OpenAPI {base}/v1/openapi.json, docs {base}/v1/docs)\n"
               f"curator page   {base}/curator/\n"
               f"health         {base}/healthz   metrics {base}/metrics\n"
               f"example call   curl '{base}/v1/tags?q=%E8%BF%9E%E8%A1%A3%E8%A3%99'   (q=连衣裙)")
    serve(app, host=s.api_host, port=s.api_port, threads=threads)


prefix_option = click.option("--prefix", default="", help="Only tags whose id starts with this.")
progress_option = click.option("--progress/--no-progress", default=True)


@main.command("classify")
@click.option("--reclassify", is_flag=True, help="Also redo machine-made categories (never curated/curator ones).")
@click.option("--k", type=click.IntRange(1, 100), default=10, show_default=True, help="Neighbours for the kNN step.")
@prefix_option
@progress_option
@click.pass_context
def classify_cmd(ctx, reclassify, k, prefix, progress) -> None:
    """Classify atomic tags into taxonomy leaves: rules, lexicons, then embedding kNN."""
    from taxonomy.store import classify_atomic

    result = classify_atomic(_graph(ctx), reclassify=reclassify, k=k, prefix=prefix, progress=progress)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


@main.command("structure")
@prefix_option
@progress_option
@click.pass_context
def structure_cmd(ctx, prefix, progress) -> None:
    """Split phrase tags into atomic tags, set heads, link BROADER, propose missing parts."""
    from taxonomy.store import structure_phrases

    click.echo(json.dumps(structure_phrases(_graph(ctx), prefix=prefix, progress=progress), ensure_ascii=False, indent=1))


@main.command("dimensions")
@prefix_option
@progress_option
@click.pass_context
def dimensions_cmd(ctx, prefix, progress) -> None:
    """Score phrase tags as product/content, trending/long-term, audience/content, question/statement."""
    from taxonomy.store import phrase_dimensions

    click.echo(json.dumps(phrase_dimensions(_graph(ctx), prefix=prefix, progress=progress), ensure_ascii=False, indent=1))


@main.command("train")
@click.option("--prefix", default="", help="Only videos and tags whose id starts with this.")
@click.option("--epochs", type=click.IntRange(1), default=6, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--holdout", type=click.IntRange(1), default=1000, show_default=True,
              help="Test videos (of the labels' held-out split) measured each epoch.")
@click.option("--layers", "n_layers", type=click.IntRange(0, 4), default=2, show_default=True)
@click.option("--similar/--no-similar", "similar_edges", default=False,
              help="Semantic-similarity kNN edges in message passing (off: they did not help, docs/BENCHMARKS.md).")
@click.option("--batch-videos", type=click.IntRange(1), default=512, show_default=True)
@click.option("--time-budget", "time_budget_s", type=float, default=None, help="Stop training after this many seconds.")
@click.option("--compare/--no-compare", default=False, help="Also evaluate the text-only, two-tower and the other graph (with/without similarity) models.")
@click.option("--write-graph/--no-write-graph", default=True, help="Write SIMILAR_TO edges, embeddings and vector indexes.")
@progress_option
@click.pass_context
def train_cmd(ctx, **options) -> None:
    """Train the GNN cross-modal model on the labels in the graph, evaluate it on held-out videos, index it."""
    from gnn.cli_impl import train_main

    try:
        result = train_main(_graph(ctx), ctx.obj, **options)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    result.pop("history", None)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1, default=str))


@main.command("index")
@click.option("--version", default=None, help="Model version (default: the latest).")
@click.option("--neo4j/--no-neo4j", default=True, help="Also write embeddings and vector indexes to Neo4j.")
@progress_option
@click.pass_context
def index_cmd(ctx, version, neo4j, progress) -> None:
    """Re-embed every video and tag with a trained model into FAISS (and Neo4j) without retraining."""
    from gnn.cli_impl import index_main

    try:
        result = index_main(_graph(ctx), ctx.obj, version=version, neo4j=neo4j, progress=progress)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc))
    click.echo(json.dumps(result, ensure_ascii=False, indent=1, default=str))


@main.command("similar")
@click.argument("video_id")
@click.option("--k", type=click.IntRange(1, 1000), default=10, show_default=True, help="Similar videos.")
@click.option("--tags", type=click.IntRange(0, 1000), default=20, show_default=True, help="Cross-modal tags.")
@click.option("--version", default=None, help="Model version (default: the latest).")
@click.pass_context
def similar_cmd(ctx, video_id, k, tags, version) -> None:
    """Similar videos and nearest tags of VIDEO_ID in the GNN space."""
    from gnn.cli_impl import similar_main

    try:
        result = similar_main(ctx.obj, video_id, k=k, tags=tags, version=version)
    except (KeyError, FileNotFoundError) as exc:
        click.echo(json.dumps({"error": {"code": "not_found", "message": str(exc.args[0])}}, ensure_ascii=False), err=True)
        sys.exit(1)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


# --- tagging -------------------------------------------------------------------------------------------

def _echo_json(result) -> None:
    click.echo(json.dumps(result, ensure_ascii=False, indent=1, default=str))


@main.command("rank-train")
@click.option("--prefix", default="", help="Only videos and tags whose id starts with this.")
@click.option("--compare", is_flag=True, help="Also train late fusion, no-adversarial and no-click variants; report AUCs.")
@click.option("--epochs", type=click.IntRange(1), default=10, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--fusion", type=click.Choice(["attention", "late"]), default="attention", show_default=True)
@click.option("--adversarial/--no-adversarial", default=True, help="Add the adversarial modality loss.")
@click.option("--clicks/--no-clicks", default=True, help="Use tag-click feedback as extra training pairs.")
@click.option("--label-fraction", type=click.FloatRange(0.01, 1.0), default=1.0, show_default=True,
              help="Share of the training side's labelled videos the ranker sees (for ablations).")
@progress_option
@click.pass_context
def rank_train_cmd(ctx, prefix, compare, progress, **config) -> None:
    """Train the cross-modal ranking model on the labels in the graph; report held-out AUC."""
    from tagging.train import train_ranker

    try:
        _echo_json(train_ranker(_graph(ctx), ctx.obj, prefix=prefix, compare=compare, progress=progress, **config))
    except ValueError as exc:
        raise click.ClickException(str(exc))


@main.command("tag")
@click.argument("video_id", required=False)
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Tag the videos in this JSONL file without storing them.")
@click.option("--persist/--no-persist", default=True, help="Write HAS_TAG edges for a stored video.")
@click.option("--top-k", type=click.IntRange(0, 500), default=0, show_default=True,
              help="Also list the best K candidates with scores, kept or not.")
@click.option("--min-score", type=float, default=None, help="Only candidates scoring at least this in that list.")
@click.pass_context
def tag_cmd(ctx, video_id, path, persist, top_k, min_score) -> None:
    """Tag one stored VIDEO_ID (recall + rank), or the videos of --file without storing them."""
    from tagging.tagger import tag_file, tag_stored

    if bool(video_id) == bool(path):
        raise click.UsageError("give either VIDEO_ID or --file")
    result = (tag_file(_graph(ctx), ctx.obj, path, top_k, min_score) if path else
              tag_stored(_graph(ctx), ctx.obj, [video_id], persist=persist, top_k=top_k, min_score=min_score))
    if not result:
        click.echo(json.dumps({"error": {"code": "not_found", "message": f"no video {video_id!r}"}}), err=True)
        sys.exit(1)
    _echo_json(result)


@main.command("tag-all")
@click.option("--batch", type=click.IntRange(1, 10_000), default=256, show_default=True)
@click.option("--persist/--no-persist", default=True)
@click.option("--ray", "ray_address", is_flag=False, flag_value="", default=None, metavar="[ADDRESS]",
              help="Run as a Ray Data job: on the cluster at ADDRESS ('auto', 'ray://HOST:10001'), "
                   "else RAY_ADDRESS, else a local Ray on this machine.")
@click.option("--workers", type=click.IntRange(1, 10_000), default=None,
              help="Ray actors, one CPU each (default: the cluster's CPUs).")
@click.option("--range-size", type=click.IntRange(1, 1_000_000), default=None,
              help="Videos per id range, the unit a dead Ray worker's replacement redoes (default 2048).")
@prefix_option
@progress_option
@click.pass_context
def tag_all_cmd(ctx, batch, persist, ray_address, workers, range_size, prefix, progress) -> None:
    """Tag every stored video and write HAS_TAG edges with the model version."""
    if ray_address is None:
        from tagging.tagger import tag_all

        _echo_json(tag_all(_graph(ctx), ctx.obj, batch=batch, persist=persist, prefix=prefix, progress=progress))
        return
    from tagging.distributed import tag_all_ray

    _echo_json(tag_all_ray(_graph(ctx), ctx.obj, address=ray_address or None, workers=workers,
                           range_size=range_size, batch=batch, persist=persist, prefix=prefix, progress=progress))


@main.command("retrain")
@click.option("--base", "base_version", default=None, help="Ranking model version to start from (default: latest).")
@click.option("--epochs", type=click.IntRange(1), default=None)
@progress_option
@click.pass_context
def retrain_cmd(ctx, base_version, epochs, progress) -> None:
    """Retrain the ranker with the click feedback loaded since; compare versions on the same held-out set."""
    from tagging.feedback import retrain

    _echo_json(retrain(_graph(ctx), ctx.obj, base_version=base_version, progress=progress,
                       **({"epochs": epochs} if epochs else {})))


@main.command("explain")
@click.argument("video_id")
@click.argument("tag_id")
@click.pass_context
def explain_cmd(ctx, video_id, tag_id) -> None:
    """Say why TAG_ID is on VIDEO_ID: channels, evidence, score, model."""
    from tagging.explain import explain

    result = explain(_graph(ctx), video_id, tag_id)
    if result is None:
        click.echo(json.dumps({"error": {"code": "not_found", "message": f"{tag_id} is not on {video_id}"}}), err=True)
        sys.exit(1)
    _echo_json(result)


@main.command("evaluate")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the result JSON here, and the recall@k plot beside it (.png). Default: print only.")
@click.option("--prefix", default="", help="Only videos and tags whose id starts with this.")
@click.option("--top-k", type=click.IntRange(20, 1000), default=100, show_default=True,
              help="Ranked tags per video and method.")
@click.option("--ablations", is_flag=True, help="Also run the served tagger without clicks, products, visual, "
              "the label channel, and on text only (inputs withheld at tagging time).")
@progress_option
@click.pass_context
def evaluate_cmd(ctx, out, prefix, top_k, ablations, progress) -> None:
    """The served tagger beside popularity, TF-IDF kNN and Omikuji on the labels' held-out test split:
    recall@k, MeanRank, P/R/F1@5, nDCG@5, served P/R/F1, untagged share; overall and by slice."""
    from tagging.evaluate import plot_recall_curves, run

    try:
        result = run(_graph(ctx), ctx.obj, prefix=prefix, top_k=top_k, progress=progress, with_ablations=ablations)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        result["plot"] = str(plot_recall_curves(result["methods"], out.with_suffix(".png")))
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _echo_json({"versus_best_baseline": result["versus_best_baseline"], "seconds": result["seconds"],
                **({"ablations": result["ablations"]} if ablations else {}),
                **({"out": str(out)} if out else {"methods": {m: r["overall"] for m, r in result["methods"].items()}})})


@main.command("mine")
@click.option("--pipeline", "pipelines", multiple=True, type=click.Choice(["autophrase", "pattern"]),
              help="Run only these pipelines (default: both, merged).")
@click.option("--top-k", type=click.IntRange(1), default=None, help="Keep only the best K candidates.")
@click.option("--queries/--no-queries", default=True, help="Mine search queries as well as video text.")
@click.option("--progress/--no-progress", default=True)
@click.pass_context
def mine_cmd(ctx, pipelines, top_k, queries, progress) -> None:
    """Mine new tag candidates from the stored corpus; stores only what is new, for review."""
    from mining.store import run_mining
    from taxonomy.tree import load_taxonomy

    result = run_mining(_graph(ctx), load_taxonomy(), pipelines=pipelines or ("autophrase", "pattern"),
                        top_k=top_k, with_queries=queries, progress=progress)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


@main.command("mine-aliases")
@click.option("--prefix", default="", help="Only videos and tags whose id starts with this.")
@click.option("--min-support", type=click.IntRange(1), default=3, show_default=True,
              help="Videos that must use the shortened form on its own.")
@click.option("--min-shared", type=click.IntRange(1), default=2, show_default=True,
              help="Of those, videos that must name or carry the tag.")
@click.option("--min-share", type=click.FloatRange(0, 1), default=0.3, show_default=True,
              help="Least share of the form's videos that name or carry the tag.")
@click.option("--progress/--no-progress", default=True)
@click.pass_context
def mine_aliases_cmd(ctx, prefix, min_support, min_shared, min_share, progress) -> None:
    """Propose shortened names of approved tags found in the corpus (洞庭 for 洞庭湖) as alias candidates;
    review them with `tagkg candidates aliases`, `approve-alias`, `reject-alias`."""
    from mining.store import run_alias_mining

    click.echo(json.dumps(run_alias_mining(_graph(ctx), prefix, min_support=min_support, min_shared=min_shared,
                                           min_share=min_share, progress=progress), ensure_ascii=False, indent=1))


# --- curator workflow ------------------------------------------------------------------------------

def _curate(ctx, fn, *args, **kwargs) -> None:
    """Run a curation function, print its result as JSON, exit 1 with the reason when refused."""
    from curation.ops import CurationError

    try:
        result = fn(_graph(ctx), *args, **kwargs)
    except CurationError as exc:
        click.echo(json.dumps({"error": {"code": exc.code, "message": exc.message, "details": exc.details}},
                              ensure_ascii=False), err=True)
        sys.exit(1)
    click.echo(json.dumps(result, ensure_ascii=False, indent=1, default=str))


@main.group("candidates")
def candidates() -> None:
    """Review mined tags and curate the library (every change is audited)."""


@candidates.command("list")
@click.option("--status", default="candidate", show_default=True,
              type=click.Choice(["candidate", "approved", "rejected", "merged"]))
@click.option("--kind", type=click.Choice(["atomic", "phrase"]), default=None)
@click.option("--min-score", type=float, default=None)
@click.option("--pipeline", type=click.Choice(["autophrase", "pattern"]), default=None)
@click.option("--q", default=None, help="Name contains this text.")
@click.option("--sort", type=click.Choice(["score", "recent", "name"]), default="score", show_default=True)
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.pass_context
def candidates_list(ctx, **filters) -> None:
    """List tags of a status, best score first, with paging."""
    from curation.ops import list_candidates

    _curate(ctx, list_candidates, **filters)


@candidates.command("aliases")
@click.option("--status", default="candidate", show_default=True, type=click.Choice(["candidate", "approved", "rejected"]))
@click.option("--tag-id", default=None, help="Only this tag's alias candidates.")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@click.pass_context
def candidates_aliases(ctx, **filters) -> None:
    """List mined alias candidates (shortened names), best score first, with paging."""
    from curation.ops import list_alias_candidates

    _curate(ctx, list_alias_candidates, **filters)


def _action_command(action) -> click.Command:
    """A click command for one row of curation/actions.py: the ids and `positional` fields as arguments, the
    other fields as options (booleans as --x/--no-x), --who for the audit trail."""
    from pydantic import ValidationError

    params = [click.Argument([name]) for name in action.ids + action.positional]
    for name, field in action.args.model_fields.items():
        if name in action.positional:
            continue
        flag = "--" + name.replace("_", "-")
        if field.annotation is bool:
            params.append(click.Option([f"{flag}/--no-{name.replace('_', '-')}"], default=field.default))
        else:
            params.append(click.Option([flag], required=field.is_required(), default=None))
    params.append(click.Option(["--who"], required=True, help="Curator name recorded in the audit trail."))

    @click.pass_context
    def callback(ctx, who, **values):
        ids = tuple(values.pop(name) for name in action.ids)
        try:
            args = action.args(**{k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            raise click.BadParameter("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        _curate(ctx, action.run, ids, who, args)

    return click.Command(action.name, params=params, callback=callback, help=action.summary)


@candidates.command("history")
@click.argument("tag_id")
@click.pass_context
def candidates_history(ctx, tag_id) -> None:
    """Show the audit trail of a tag, newest first."""
    from curation.ops import history

    _curate(ctx, history, tag_id)


@main.group("video-tags")
def video_tags() -> None:
    """Set or remove a video's tags by hand (curator labels; every change is audited)."""


def _add_curation_actions() -> None:
    from curation.actions import ACTIONS

    for action in ACTIONS:
        (candidates if action.target == "tag" else video_tags).add_command(_action_command(action))


_add_curation_actions()


if __name__ == "__main__":
    main()
