"""Is a benchmark result still the measure of the code at HEAD? Its code path, and what changed on it since.

usage: python -m bench.freshness [--strict]
A result's JSON names the commit that produced it. Its code path is the benchmark module's import closure over
the project's own packages (every `import`, including those inside functions, so it over-approximates), with the
data files that live beside those modules, the pinned requirements and the Neo4j start script; a benchmark that
runs the CLI or bench/graph.sh in a child process (a string constant "tagkg.cli" or "graph.sh" anywhere in
its closure) takes the CLI's closure and graph.sh too. A result is fresh when `git diff` between its commit and HEAD touches none of those files, so a
commit that changes only docs, tests or another benchmark does not make it stale. --strict exits 1 if any is stale.
"""
from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# files every benchmark depends on beyond Python imports: what is installed and how Neo4j starts
ALWAYS = ("requirements.txt", "pyproject.toml", "neo4j/pom.xml", "scripts/neo4j.sh", "scripts/setup.sh")
# string constants in a module's code that mean it runs the CLI in a child process
CHILD_CLI = ("tagkg.cli", "graph.sh")


def _packages(root: Path) -> set[str]:
    return {p.parent.name for p in root.glob("*/__init__.py")}


def _module_file(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _runs_cli(tree: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and n.value in CHILD_CLI for n in ast.walk(tree))


def _imports(root: Path, path: Path) -> tuple[set[str], bool]:
    """(dotted names a file imports, absolute and relative ones resolved against its package; whether it runs
    the CLI in a child process)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                mod = ".".join(parts + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names.add(mod)
            # `from pkg import sub` may name a submodule
            names.update(f"{mod}.{a.name}" for a in node.names if a.name != "*")
    return names, _runs_cli(tree)


def code_path(name: str, root: Path = ROOT) -> set[str]:
    """Repository-relative files that benchmark result `name` (e.g. "gnn-label-edges", "quality-5000") depends on."""
    module = _bench_module(name, root)
    packages = _packages(root)
    todo = [root / "bench" / f"{module}.py"]
    seen: set[Path] = set()
    runs_cli = False
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        names, cli = _imports(root, path)
        if cli and not runs_cli:
            runs_cli = True
            todo += [root / "tagkg" / "cli.py"]
        for dotted in names:
            parts = dotted.split(".")
            if parts[0] not in packages:
                continue
            for i in range(1, len(parts) + 1):  # the module and every package above it
                found = _module_file(root, ".".join(parts[:i]))
                if found is not None and found not in seen:
                    todo.append(found)
    files = {p.relative_to(root).as_posix() for p in seen}
    if runs_cli:
        files.add("bench/graph.sh")
    # data files beside the modules (lexicons, Cypher, templates), tracked ones only
    folders = sorted({str(Path(f).parent) for f in files})
    tracked = _git(root, "ls-files", "--", *folders).split()
    files.update(f for f in tracked if not f.endswith(".py") and str(Path(f).parent) in folders
                 and not f.startswith("bench/results/"))
    files.update(f for f in ALWAYS if (root / f).exists())
    return files


def _bench_module(name: str, root: Path) -> str:
    """The bench module a result name comes from: the longest module name it starts with."""
    modules = sorted((p.stem for p in (root / "bench").glob("*.py") if p.stem not in ("__init__", "common")),
                     key=len, reverse=True)
    for m in modules:
        if name == m or name.startswith((m + "-", m + "_")):
            return m
    raise KeyError(f"no bench module for result {name!r}")


def _git(root: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout


def head(root: Path = ROOT) -> str:
    """HEAD's short commit id."""
    return _git(root, "rev-parse", "--short", "HEAD").strip()


def changed_since(commit: str, files: set[str], root: Path = ROOT) -> list[str]:
    """Files of `files` that differ between `commit` and HEAD (a -dirty commit counts as stale: [\"(dirty run)\"])."""
    if commit.endswith("-dirty"):
        return ["(the run was made on a dirty tree)"]
    changed = set(_git(root, "diff", "--name-only", commit, "HEAD").split())
    return sorted(changed & files)


def commits(result) -> list[str]:
    """Every commit a result names: its own "git" and those of parts run separately (a nested "git", possibly
    "a,b", or a "stage_git" table), so a result assembled from runs at several commits is fresh only if all are."""
    found: list[str] = []
    if isinstance(result, dict):
        for key, value in result.items():
            if key == "git" and isinstance(value, str):
                found += [c for c in value.split(",") if c]
            elif key == "stage_git" and isinstance(value, dict):
                found += [v for v in value.values() if isinstance(v, str)]
            else:
                found += commits(value)
    elif isinstance(result, list):
        for value in result:
            found += commits(value)
    return list(dict.fromkeys(found))


def report(root: Path = ROOT) -> dict[str, dict]:
    """{result name: {"git", "fresh", "changed"}} for every result JSON ("git": its own commit)."""
    out = {}
    for path in sorted((root / "bench" / "results").glob("*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        files = code_path(path.stem, root)
        changed = sorted({f for c in commits(result) or ["unknown"] for f in changed_since(c, files, root)})
        out[path.stem] = {"git": result.get("git", "unknown"), "fresh": not changed, "changed": changed}
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--strict", action="store_true", help="exit 1 when a result is stale")
    args = ap.parse_args(argv)
    rep = report()
    at = head()
    for name, r in rep.items():
        state = "fresh" if r["fresh"] else f"STALE ({len(r['changed'])} files: {', '.join(r['changed'][:5])}" \
                                             f"{', ...' if len(r['changed']) > 5 else ''})"
        print(f"{name:28s} {r['git']:>10s} -> {at}: {state}")
    if args.strict and not all(r["fresh"] for r in rep.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
