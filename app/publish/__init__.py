"""Publishing: the outbox every reply and post goes out through, and the publishers."""
