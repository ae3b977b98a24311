"""The Slack adapter: listeners that ack, parse, call one use case and render."""
