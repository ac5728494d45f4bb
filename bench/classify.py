"""Benchmark: classification throughput against the bare tokenizer floor.

Prints one JSON object:
  msgs_per_s          classify() with the default tokenizer (rjieba when identical to jieba)
  floor_msgs_per_s    bare ``jieba.lcut`` over the same messages, same run
  cost_vs_floor       classify time / floor time (target ≤ 1.5)
  jieba_msgs_per_s    classify() forced onto the jieba tokenizer (the honest worst case)
  jieba_cost_vs_floor that time / floor time
  startup_s           import nlp + init_nlp() (jieba, dictionaries, rules, rjieba check)
  long_4000_ms        median time to classify one 4,000-character message (a long letter
                      made of resident sentences, with a title; target ≤ 5 ms)
  rss_mb              peak resident memory of the process
The 100,000 messages are short resident-style texts generated from templates (seeded), so
almost all are distinct: nothing is cached.
"""

from __future__ import annotations

import gc
import json
import random
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

N = 100_000

OBJECTS = (
    "水管 水龙头 马桶 地漏 楼道灯 电梯 门禁 空调 热水器 插座 窗户 门锁 下水道 天花板 暖气".split()
)
SYMPTOMS = "漏水了 坏了 不亮 堵了 没反应 打不开 一直滴水 跳闸了 不制冷 关不上 有异响 渗水".split()
PLACES = "厨房 卫生间 客厅 卧室 阳台 楼道 车库 单元门口 大堂 电梯口".split()
TAILS = ["", "快来人", "麻烦派人来修一下", "能来看看吗", "！！", "谢谢", "😭", "急", "在家等"]
COMPLAINTS = [
    "楼上{n}楼天天半夜装修吵死了",
    "报修{n}天了还没人来",
    "我的车位又被人占了 {n}号车位",
    "{n}栋的保安态度太差了",
    "隔壁狗叫了一晚上 {n}点了还在叫",
    "投诉{n}号楼管家不回消息",
]
CLEANING = [
    "{n}楼楼道好脏 麻烦打扫一下",
    "垃圾桶满了 {n}栋门口",
    "想约个开荒保洁 {n}号上午",
    "家里有蟑螂 {n}楼",
    "{n}栋门口的树枝该修剪了",
]
CONSULT = [
    "物业费能微信交吗 {n}单元",
    "门禁卡丢了怎么补办 {n}栋",
    "管理处周{n}上班吗",
    "装修要申请吗 {n}室",
    "空调加班怎么收费 {n}楼",
    "快递放哪了 {n}号",
]
NONE = ["你好", "在吗", "谢谢", "好的 {n}点可以", "收到", "辛苦了师傅", "👍"]


def messages(n: int = N, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        k = rnd.random()
        num = rnd.randint(1, 30)
        if k < 0.45:
            t = (
                f"{rnd.choice(PLACES)}{rnd.choice(OBJECTS)}{rnd.choice(SYMPTOMS)}"
                f" {num}栋{rnd.randint(101, 2802)} {rnd.choice(TAILS)}"
            )
        else:
            pool = (
                COMPLAINTS if k < 0.65 else CLEANING if k < 0.77 else CONSULT if k < 0.92 else NONE
            )
            t = rnd.choice(pool).format(n=num)
            if rnd.random() < 0.7:
                t += f" {rnd.randint(1, 30)}-{rnd.randint(101, 2802)}"
        out.append(t.strip())
    return out


def long_message(chars: int = 4000, seed: int = 11) -> str:
    """A letter: a title line, then sentences of all kinds until ``chars`` characters."""
    rnd = random.Random(seed)
    body = []
    size = 0
    while size < chars:
        s = rnd.choice(messages(50, seed=rnd.randint(0, 10**6))) + rnd.choice("，。！？")
        body.append(s)
        size += len(s)
    return ("关于小区物业管理问题的反映\n" + "".join(body))[:chars]


def long_ms(clf, runs: int = 31) -> float:
    """Median milliseconds for one 4,000-character message (distinct texts, no cache)."""
    texts = [long_message(seed=k) for k in range(runs)]
    times = []
    for t in texts:
        start = time.perf_counter()
        clf.classify(t)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def timed(fn, items) -> float:
    gc.collect()
    gc.disable()
    try:
        t = time.perf_counter()
        for x in items:
            fn(x)
        return time.perf_counter() - t
    finally:
        gc.enable()


def main() -> int:
    t0 = time.perf_counter()
    import nlp

    clf = nlp.init_nlp()
    startup = time.perf_counter() - t0

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
    msgs = messages()
    distinct = len(set(msgs))
    for m in msgs[:2000]:  # warm up both paths
        jieba.lcut(m)
        clf.classify(m)

    slow = nlp.Classifier(tokenizer="jieba")
    for m in msgs[:2000]:
        slow.classify(m)
    # Interleave the three measurements chunk by chunk so that drift of a shared 2-core
    # machine affects them alike.
    floor = cost = cost_jieba = 0.0
    step = len(msgs) // 20
    for k in range(0, len(msgs), step):
        chunk = msgs[k : k + step]
        floor += timed(jieba.lcut, chunk)
        cost += timed(clf.classify, chunk)
        cost_jieba += timed(slow.classify, chunk)

    long_4000 = long_ms(clf)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "n": len(msgs),
                "distinct": distinct,
                "tokenizer": clf.tokenizer.name,
                "msgs_per_s": round(len(msgs) / cost),
                "floor_msgs_per_s": round(len(msgs) / floor),
                "cost_vs_floor": round(cost / floor, 3),
                "jieba_msgs_per_s": round(len(msgs) / cost_jieba),
                "jieba_cost_vs_floor": round(cost_jieba / floor, 3),
                "startup_s": round(startup, 3),
                "long_4000_ms": round(long_4000, 2),
                "rss_mb": round(rss_mb, 1),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
