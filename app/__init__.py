"""Cuedesk: a self-hosted console for live-tweeting an event."""
