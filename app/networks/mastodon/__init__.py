"""Mastodon: the hashtag stream (server-sent events) of one or more servers."""
