"""tagkg: a tag knowledge graph for short-video content."""
__version__ = "0.1.0"
