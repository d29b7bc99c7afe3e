"""The learned label channel: models fitted on the user's own labelled videos (pure functions, no Neo4j).

split.py      the one held-out split of labelled videos every stage uses
features.py   TF-IDF character n-grams of normalised texts
knn.py        kNN over labelled training videos (TF-IDF or caller-given sentence vectors)
xmc.py        Omikuji (Parabel-style label trees) over the same TF-IDF features
popularity.py the popularity baseline
model.py      the three fitted together, saved to and loaded from one model folder
metrics.py    ranking and served-set quality, overall and by bucket
"""
