"""FAQ answers for consultations (placeholder, replaced below)."""


def reset() -> None:
    return None
