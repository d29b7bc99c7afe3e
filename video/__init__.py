"""What a video is to every model: the normalised input record and the vectors made from it.

The GNN (features of its video nodes), the tagger (recall channels and the ranker's inputs), the ranker's
training set and the API all build a video through `video.record.from_row` and turn it into vectors with
`video.vectors`; nothing else has a recipe of its own."""
