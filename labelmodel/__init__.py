"""The learned label channel: models fitted on the user's own labelled videos (pure functions, no Neo4j).

split.py       the one held-out split of labelled videos every stage uses (and folds for cross-fitting)
features.py    TF-IDF character 1-3-grams of normalised texts
labelspace.py  tag ids <-> label columns; top-k of a score matrix
knn.py         kNN over labelled training videos (TF-IDF rows or caller-given sentence vectors)
xmc.py         Omikuji (Parabel-style label trees) over the same TF-IDF features
model.py       the three fitted together, saved to and loaded from one model folder
oof.py         out-of-fold scores for training videos (ranker features that do not flatter the channel)
popularity.py  the popularity baseline
serve.py       which ranked tags a video is served: a floor and a rescue fitted on validation
metrics.py     ranking and served-set quality, overall and by slice (tag frequency, literal or implied)
"""
