"""The one text normaliser, used by loaders, curation, mining, tagging and the video representation."""
