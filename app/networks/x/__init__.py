"""X (API v2): the filtered stream, its rules, and recent search for the gaps."""
