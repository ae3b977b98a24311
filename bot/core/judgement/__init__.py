"""How the bot judges a reply: chatter or an answer, blame or a cause, and an action item weak or
a mechanism. Learned from labelled examples (judgement/ at the repository's root)."""
