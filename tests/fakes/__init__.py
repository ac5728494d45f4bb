"""In-process fakes of the platforms Guanjia talks to, as real HTTP servers on 127.0.0.1:
``tests.fakes.telegram_api.FakeTelegram`` (Telegram Bot API, driven by the real
python-telegram-bot) and ``tests.fakes.wechat_api.FakeWeChat`` (WeChat Official Account API and
WeCom group-robot webhooks), plus ``tests.fakes.wechat_api.callback_request`` for signed WeChat
callbacks."""
