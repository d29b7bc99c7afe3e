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
@click.argument("kind", type=click.Choice(["videos", "products", "clicks", "tags"]))
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
    report = load_file(_graph(ctx), kind, file, fmt=fmt, batch_size=batch_size or s.batch_size,
                       rejects_path=rejects, progress=progress, max_line_bytes=s.max_line_bytes)
    click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


@main.command("demo-data")
@click.option("--videos", "n_videos", type=click.IntRange(1, 10_000_000), default=10_000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: TAGKG_DATA_DIR/demo).")
@click.option("--visual/--no-visual", default=True, help="Write synthetic visual vectors per video.")
@click.option("--visual-dim", type=click.IntRange(2, 2048), default=32, show_default=True)
@click.pass_context
def demo_data_cmd(ctx, n_videos, seed, out, visual, visual_dim) -> None:
    """Write a synthetic Taobao-style corpus (tags, videos, products, clicks, ground truth)."""
    from demo.corpus import generate

    out = out or ctx.obj.data_dir / "demo"
    stats = generate(out, n_videos, seed=seed, visual_dim=visual_dim, with_visual=visual)
    click.echo(json.dumps(stats, ensure_ascii=False, indent=1))


@main.command("load-demo")
@click.option("--dir", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder written by demo-data (default: TAGKG_DATA_DIR/demo).")
@click.option("--progress/--no-progress", default=True)
@click.pass_context
def load_demo_cmd(ctx, folder, progress) -> None:
    """Load a demo-data folder in dependency order: tags, videos, products, clicks."""
    from loaders.load import load_file

    s: Settings = ctx.obj
    folder = folder or s.data_dir / "demo"
    ok = True
    for kind, name in (("tags", "tags.jsonl"), ("videos", "videos.jsonl"),
                       ("products", "products.jsonl"), ("clicks", "clicks.jsonl")):
        report = load_file(_graph(ctx), kind, folder / name, batch_size=s.batch_size, progress=progress,
                           max_line_bytes=s.max_line_bytes)
        click.echo(report.summary())
        ok &= report.ok
    sys.exit(0 if ok else 1)


@main.command("stats")
@click.pass_context
def stats_cmd(ctx) -> None:
    """Count the nodes and edges in the graph."""
    from api.views import graph_stats

    click.echo(json.dumps(graph_stats(_graph(ctx)), indent=1))


@main.command("serve")
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1: loopback only).")
@click.option("--port", type=int, default=None)
@click.option("--threads", type=int, default=8, show_default=True)
@click.pass_context
def serve_cmd(ctx, host, port, threads) -> None:
    """Serve the REST API with waitress (a production WSGI server)."""
    from waitress import serve

    from api import create_app

    s: Settings = ctx.obj
    s = s.with_(api_host=host or s.api_host, api_port=port or s.api_port)
    app = create_app(s)
    click.echo(f"tagkg API on http://{s.api_host}:{s.api_port}/  (try: curl http://{s.api_host}:{s.api_port}/v1/stats)")
    serve(app, host=s.api_host, port=s.api_port, threads=threads)


if __name__ == "__main__":
    main()
