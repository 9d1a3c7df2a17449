"""Bluesky: listening through Jetstream (authors from the public AppView), and posting."""
