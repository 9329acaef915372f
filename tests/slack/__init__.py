"""Talking to the app the way Slack does: the loopback Web API fake, signed requests, payloads."""
