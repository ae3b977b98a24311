"""Use cases: open a unit of work, load, apply the core, save, and say what the bot says
through the ports (outgoing.py, reading.py). No Slack SDK, adapter or runtime in here."""
