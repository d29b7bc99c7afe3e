"""Burst flagging on toy time series, directly and through the n-gram table's dated counts."""
import numpy as np

from mining.corpus import build_corpus, make_tokenizer
from mining.ngrams import build_ngrams, describe
from mining.trend import burst, hot, overdispersion, peak_burst


def test_burst_separates_a_spike_from_a_steady_term():
    # 4 weeks recent vs 12 weeks baseline: steady = 1/day throughout; spike = 1/week then 5/day
    recent = np.array([28, 140, 2])
    baseline = np.array([84, 12, 6])
    ratio, z = burst(recent, baseline, 28, 84)
    assert abs(ratio[0] - 1.0) < 1e-9 and abs(z[0]) < 1e-9
    assert ratio[1] > 20 and z[1] > 10
    assert hot(recent, ratio, z).tolist() == [False, True, False]  # the rare term has too few recent uses


def test_no_baseline_period_means_no_burst():
    ratio, z = burst(np.array([5, 50]), np.array([0, 0]), 28, 0)
    assert ratio.tolist() == [1.0, 1.0] and z.tolist() == [0.0, 0.0]


def test_ngram_table_flags_a_term_that_took_off_recently():
    tok = make_tokenizer(["红色", "卫衣", "蓝色", "牛仔裤"])
    docs = []
    for day in range(1, 113):  # 16 weeks from 2026-01-01: a steady phrase every day
        date = np.datetime64("2026-01-01") + np.timedelta64(day - 1, "D")
        docs.append({"id": f"s{day}", "text": "蓝色牛仔裤", "date": str(date)})
        if day > 84:  # the last 4 weeks: a new phrase, several times a day
            docs += [{"id": f"h{day}-{k}", "text": "红色卫衣", "date": str(date)} for k in range(3)]
    table = build_ngrams(build_corpus(docs, tok, workers=1, progress=False), progress=False)
    row = {t: i for i, t in enumerate(table.texts)}
    new, steady = row["红色卫衣"], row["蓝色牛仔裤"]
    assert table.recent[new] == 84 and table.baseline[new] == 0
    assert table.hot[new] and not table.hot[steady]
    assert abs(table.burst_ratio[steady] - 1.0) < 0.1


def test_peak_burst_finds_a_past_burst_window():
    weekly = np.ones((2, 26))  # newest first; one use a week
    weekly[0, 10:12] = 30  # a two-week burst that ended 10 weeks ago
    weeks_ago, z, was_hot = peak_burst(weekly, 26)
    assert 8 <= weeks_ago[0] <= 10 and z[0] > 10 and was_hot[0]
    assert z[1] < 1 and not was_hot[1]  # flat series


def test_describe_carries_the_weekly_series_oldest_first():
    tok = make_tokenizer(["红色", "卫衣"])
    docs = [{"id": str(d), "text": "红色卫衣", "date": str(np.datetime64("2026-01-01") + np.timedelta64(d, "D"))}
            for d in range(0, 70, 7)]  # one mention a week for 10 weeks
    corpus = build_corpus(docs, tok, workers=1, progress=False)
    table = build_ngrams(corpus, progress=False)
    ev = describe(table, corpus, table.texts.index("红色卫衣"))
    assert len(ev["weekly"]) == 26 and ev["weekly"][-10:] == [1] * 10 and sum(ev["weekly"]) == 10
    assert ev["recent"] == 4 and ev["baseline"] == 6 and not ev["peak"]["hot"]


def test_overdispersion_widens_clustered_counts_only():
    rng = np.random.default_rng(0)
    expected = np.full(2000, 20.0)
    poisson = rng.poisson(expected)
    clustered = 5 * rng.poisson(expected / 5)  # mentions arrive in clumps of five
    z_p = (poisson - expected) / np.sqrt(expected + 1)
    z_c = (clustered - expected) / np.sqrt(expected + 1)
    assert overdispersion(z_p, np.ones(2000)) < 1.3
    assert overdispersion(z_c, np.ones(2000)) > 2  # (variance x5; the median of discrete clumps says less)
    assert overdispersion(z_c[:10], np.ones(10)) == 1.0  # too few terms to tell
