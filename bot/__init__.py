"""Guanjia's application package: the CLI, configuration, clock, web server and the
platform adapters (``bot.channels``). Conversation rules live in ``handlers/``."""
