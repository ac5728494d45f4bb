"""Uncertain messages are asked, not guessed; the resident's choice becomes labelled
data that `python -m bot export-labels` writes out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from handlers.context import Incoming
from handlers.router import handle
from models.tables import InboundMessage, Outbox, Ticket

ROOT = Path(__file__).resolve().parent.parent


async def say(n: int, text: str = "", button: str | None = None):
    return await handle(
        Incoming(
            platform="telegram", key=f"k{n}", chat_id="42", sender_id="42", text=text, button=button
        )
    )


async def test_uncertain_message_asks_and_the_choice_is_exported(db, clock):
    await say(1, "1栋1单元1201")
    await say(2, "外面那个东西一直在响")
    asked = await Outbox.filter(chat_id="42").order_by("-id").first()
    assert "请选择" in asked.payload["text"]
    assert await Ticket.all().count() == 0  # nothing opened on a guess
    kinds = [b["data"] for row in asked.payload["buttons"] for b in row]
    assert [k.split(":")[1] for k in kinds] == [
        "repair",
        "complaint",
        "consultation",
        "cleaning",
        "none",
    ]
    complaint = next(k for k in kinds if k.startswith("kind:complaint"))
    outcome = await say(3, button=complaint)
    assert outcome.callback_answer  # the button press is answered
    ticket = await Ticket.get()
    assert ticket.kind == "complaint"
    row = await InboundMessage.get(key="k2")
    assert (row.label, row.predicted_intent, row.ticket_id) == ("complaint", "repair", ticket.id)

    env = {**os.environ, "DATABASE_URL": db}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "export-labels"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(x["text"], x["intent"], x["predicted"]) for x in lines] == [
        ("外面那个东西一直在响", "complaint", "repair")
    ]
