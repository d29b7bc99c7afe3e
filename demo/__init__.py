"""Synthetic Taobao-style demo corpus: lexicon-backed tag library, noisy videos, products, clicks, truth."""
