"""The networks Cuedesk listens to (and, later, posts to): one package each, holding what
that network's protocol means (its client, its payloads parsed into the normalised
mention, its source). The ingest manager knows none of them: each registers a source kind
(``app.ingest.sources.KINDS``)."""
