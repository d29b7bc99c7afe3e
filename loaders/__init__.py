"""Validated, streamed, batched loaders for videos, products, clicks and tags."""
