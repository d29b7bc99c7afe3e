"""Media in: probe a file, pick keyframes, read on-screen text and subtitles, compute visual features and hashes."""
