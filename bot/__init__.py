"""coe-bot: facilitated 5-Whys Correction of Error reviews in Slack."""
