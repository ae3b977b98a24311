"""The functional core: plain Python, no Slack, database, clock or environment."""
