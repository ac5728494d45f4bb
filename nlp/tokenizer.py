"""Tokenisers behind one small interface, loaded once at start-up.

jieba is the reference. rjieba (Rust) is used instead only when it is installed and
cuts a built-in check corpus exactly as jieba does, so swapping it in can never
change a classification. Both get the same user dictionary with explicit
frequencies (implicit frequencies are computed differently by the two).

Both cut without jieba's HMM guesser: the guesser glues unknown neighbours into new
"words" ("灯坏", "楼到"), and the rules match keywords on token edges, so only dictionary
words (花园, 电梯, 室内, 交房 …) may hide a keyword inside them.
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

USERDICT = Path(__file__).with_name("userdict.txt")
DEFAULT_FREQ = 2000

# Sentences whose cuts must be identical before rjieba may replace jieba.
CHECK_CORPUS = (
    "厨房水管漏水了快来人",
    "楼上天天半夜装修吵死了",
    "物业费能微信交吗",
    "报修三天了还没人来 你们物业到底管不管!!",
    "电梯困人了 6栋2单元",
    "我想约个开荒保洁 下周三上午",
    "门禁卡丢了怎么补办 要多少钱",
    "洗手间个渠塞咗 冇热水",
    "the elevator is broken again, 3号楼",
    "水龙头坏了😭😭 12345 abc-def 10:30",
    "垃圾桶满了溢出来了 苍蝇好多",
    "已经修好了 谢谢师傅 👍",
)


class Tokenizer(Protocol):
    """What the classifier needs: a name and a cut into tokens."""

    name: str

    def cut(self, text: str) -> list[str]: ...


def read_userdict(paths: Iterable[Path]) -> list[tuple[str, int, str | None]]:
    """Lines ``word [freq [tag]]``; ``#`` starts a comment."""
    words: list[tuple[str, int, str | None]] = []
    for path in paths:
        for raw in Path(path).read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            freq = int(parts[1]) if len(parts) > 1 else DEFAULT_FREQ
            words.append((parts[0], freq, parts[2] if len(parts) > 2 else None))
    return words


@contextlib.contextmanager
def _quiet():
    """jieba prints SyntaxWarnings on new Pythons and logs its cache loading."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(io.StringIO()):
            yield


class JiebaTokenizer:
    """The reference tokenizer: a private jieba instance (the global one is untouched)."""

    name = "jieba"

    def __init__(self, words: list[tuple[str, int, str | None]]):
        with _quiet():
            import jieba

            jieba.setLogLevel(logging.WARNING)
            logging.getLogger("jieba").setLevel(logging.WARNING)
            self._jieba = jieba.Tokenizer()
            self._jieba.initialize()
            for word, freq, tag in words:
                self._jieba.add_word(word, freq, tag)
        lcut = self._jieba.lcut
        self.cut = lambda text: lcut(text, HMM=False)


class RjiebaTokenizer:
    """The same dictionary in jieba-rs; about 30 times faster on short messages."""

    name = "rjieba"

    def __init__(self, words: list[tuple[str, int, str | None]]):
        import rjieba

        self._jieba = rjieba.Jieba()
        for word, freq, tag in words:
            self._jieba.add_word(word, freq, tag)
        cut = self._jieba.cut
        self.cut = lambda text: cut(text, False)


def make_tokenizer(
    kind: str = "auto",
    userdicts: Iterable[Path] = (USERDICT,),
    check: Iterable[str] = (),
    normalize=None,
) -> Tokenizer:
    """``kind``: 'jieba', 'rjieba' or 'auto' (rjieba if it agrees with jieba, else jieba).

    ``normalize`` is applied to the check corpus, because the classifier only ever
    tokenises normalised text (the normaliser spreads out the few inputs the two disagree on).
    """
    words = read_userdict(userdicts)
    if kind == "jieba":
        return JiebaTokenizer(words)
    try:
        fast = RjiebaTokenizer(words)
    except ImportError:
        if kind == "rjieba":
            raise
        return JiebaTokenizer(words)
    if kind == "rjieba":
        return fast
    ref = JiebaTokenizer(words)
    corpus = [*CHECK_CORPUS, *check, *(w for w, _, _ in words)]
    if normalize is not None:
        corpus = [normalize(s) for s in corpus]
    if all(fast.cut(s) == ref.cut(s) for s in corpus):
        # jieba's dictionary (~60 MB) sits in reference cycles: free it now, not whenever
        # the garbage collector happens to run (peak memory would depend on that timing)
        del ref
        gc.collect()
        return fast
    return ref
