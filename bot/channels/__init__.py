"""Platform adapters and clients: Telegram, WeChat Official Account, WeCom group robots."""
