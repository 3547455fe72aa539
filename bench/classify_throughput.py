#!/usr/bin/env python
"""Classifier throughput: `classify_texts` in-process, and the `classify_text` command end to end.

    .venv/bin/python bench/classify_throughput.py               # about 1-2 minutes
    .venv/bin/python bench/classify_throughput.py --messages 2000 --no-profile

The messages (default 20,000, seeded) are realistic customer texts: the demo book's
interactions and tickets (accounts.demo, 40-200 characters), the classifier's training
texts, and long e-mails built from them (greeting, several paragraphs, a signature and
a quoted earlier message: 600-3,000 characters). Mix: about 70% short (< 200 chars),
20% medium (200-600), 10% long (> 600).

In a fresh process (one per measurement, so nothing is cached from the previous one):

1. the one-time model training (`get_models()`), timed on its own, on an empty model
   cache (CLASSIFIER_CACHE_DIR points at a fresh directory of this run); then, in another
   fresh process, the start of a worker that finds the trained model in that cache;
2. `classify_texts(all messages)` with the default phrase rules, in one call and in
   batches of 1,000 (the batch size of `texts_classify`) and by length class;
3. the `classify_text` command through a subprocess, messages as JSON Lines on stdin,
   on a scratch database `bench_classify` (the command reads the phrase rules from it):
   wall time from process start to the last output line, and the fixed cost (Django
   start-up, rules, training) measured with a single message;
4. `classify_texts` on the distinct messages only (each text once, in a fresh process:
   no clause or word cache warmed by repeats), the honest figure for a stream of new texts;
5. one 10.8 MB message (a pasted log or thread): wall and CPU time, and resident memory
   before and after (only the first 20,000 characters are read, `truncated` is set);
6. a cProfile of `classify_texts` on all messages (after training).

Messages/s per core is messages / CPU seconds: each measurement runs in one thread.
The machine's 1-minute load average at the start of each measured process is printed:
on a shared machine, compare CPU seconds, not wall seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

HERE = Path(__file__).resolve()


# --------------------------------------------------------------------------- messages


def text_pool() -> tuple[list[str], list[str]]:
    """Short customer texts from the demo book and the training corpus."""
    interactions, tickets = c.demo_texts()
    corpus = c.PROJECT / "signals" / "classifier" / "corpus" / "train.jsonl"
    trained = [json.loads(line)["text"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(set(interactions + trained)), sorted({f"{s}. {b}".strip() for s, b in tickets})


GREETINGS = ("Hi Dana,", "Hello team,", "Hi all,", "Good morning,", "Hey Marcus,", "Dear Sofia,")
SIGNATURES = (
    "Best regards,\nPriya Shah\nHead of Reporting | Acme Corp\n+1 415 555 0134\nThis e-mail and any attachments are "
    "confidential and intended solely for the addressee. If you received it in error, please delete it.",
    "Thanks,\nJonas\n\nSent from my phone",
    "Kind regards,\nLeila Navarro\nOperations Director\nNorthwind Analytics\nwww.northwind.example",
)


def messages(count: int, seed: int) -> list[str]:
    short_pool, tickets = text_pool()
    everything = short_pool + tickets
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.7:
            out.append(rng.choice(everything))
        elif roll < 0.9:  # medium: a short thread of two or three messages
            parts = rng.sample(everything, rng.randint(2, 4))
            out.append(" ".join(parts))
        else:  # long: an e-mail with paragraphs, a signature and the quoted earlier message
            body = "\n\n".join(" ".join(rng.sample(everything, rng.randint(2, 3))) for _ in range(rng.randint(3, 8)))
            quoted = "\n".join("> " + line for line in rng.choice(everything).splitlines())
            out.append(
                f"{rng.choice(GREETINGS)}\n\n{body}\n\n{rng.choice(SIGNATURES)}\n\nOn Tue, Nov 10 wrote:\n{quoted}"
            )
    return out


def length_classes(texts: list[str]) -> dict[str, list[str]]:
    return {
        "short (< 200 chars)": [t for t in texts if len(t) < 200],
        "medium (200-600)": [t for t in texts if 200 <= len(t) <= 600],
        "long (> 600)": [t for t in texts if len(t) > 600],
    }


# --------------------------------------------------------------------------- children


def child_api(path: str, profile_to: str | None) -> None:
    sys.path.insert(0, str(c.PROJECT))
    from signals.classifier import classify_texts
    from signals.classifier.model import get_models

    texts = json.loads(Path(path).read_text(encoding="utf-8"))
    result: dict = {"messages": len(texts), "chars": sum(map(len, texts))}
    started, cpu = time.perf_counter(), time.process_time()
    get_models()
    result["training_s"] = time.perf_counter() - started
    result["training_cpu_s"] = time.process_time() - cpu
    result["peak_rss_after_training_mb"] = c.peak_rss_mb()

    classify_texts(texts[:50])  # warm the rule compilation cache, as any second call would be
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        classify_texts(texts)
        profiler.disable()
        result["profiled_s"] = time.perf_counter() - started
        profiler.dump_stats(profile_to)
        c.report(result)
        return

    started, cpu = time.perf_counter(), time.process_time()
    labels = classify_texts(texts)
    result["one_call_s"] = time.perf_counter() - started
    result["one_call_cpu_s"] = time.process_time() - cpu
    result["peak_rss_mb"] = c.peak_rss_mb()
    counts: dict[str, int] = {}
    for label in labels:
        counts[label.signal_type] = counts.get(label.signal_type, 0) + 1
    result["signal_types"] = counts

    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), 1000):
        classify_texts(texts[start : start + 1000])
    result["batches_1000_s"] = time.perf_counter() - started
    result["batches_1000_cpu_s"] = time.process_time() - cpu

    by_class = {}
    for name, subset in length_classes(texts).items():
        if not subset:
            continue
        started, cpu = time.perf_counter(), time.process_time()
        classify_texts(subset)
        elapsed = time.perf_counter() - started
        by_class[name] = {
            "messages": len(subset),
            "s": elapsed,
            "cpu_s": time.process_time() - cpu,
            "avg_chars": sum(map(len, subset)) / len(subset),
        }
    result["by_length"] = by_class
    c.report(result)


def current_rss_mb() -> float:
    """Resident memory now (not the high-water mark): /proc/self/statm, in pages."""
    import os

    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def child_start() -> None:
    """A worker start with the model already in the local cache (the usual case)."""
    sys.path.insert(0, str(c.PROJECT))
    started, cpu = time.perf_counter(), time.process_time()
    from signals.classifier.model import get_models

    get_models()
    c.report(
        {
            "s": time.perf_counter() - started,
            "cpu_s": time.process_time() - cpu,
            "peak_rss_mb": c.peak_rss_mb(),
        }
    )


def child_unique(path: str) -> None:
    sys.path.insert(0, str(c.PROJECT))
    from signals.classifier import classify_texts
    from signals.classifier.model import get_models

    texts = list(dict.fromkeys(json.loads(Path(path).read_text(encoding="utf-8"))))
    get_models()
    classify_texts(["warm-up: rule compilation"])
    started, cpu = time.perf_counter(), time.process_time()
    classify_texts(texts)
    c.report(
        {
            "messages": len(texts),
            "s": time.perf_counter() - started,
            "cpu_s": time.process_time() - cpu,
            "avg_chars": sum(map(len, texts)) / len(texts),
        }
    )


def child_huge(path: str) -> None:
    sys.path.insert(0, str(c.PROJECT))
    from signals.classifier import classify_texts
    from signals.classifier.model import get_models

    pool = json.loads(Path(path).read_text(encoding="utf-8"))
    get_models()
    classify_texts(pool[:50])
    text = "\n\n".join(pool)
    while len(text) < 10_800_000:
        text += "\n\n" + text
    text = text[:10_800_000]
    rss_before = current_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    [result] = classify_texts([text])
    c.report(
        {
            "chars": len(text),
            "s": time.perf_counter() - started,
            "cpu_s": time.process_time() - cpu,
            "rss_before_mb": rss_before,
            "rss_after_mb": current_rss_mb(),
            "truncated": result.truncated,
            "signal_type": result.signal_type,
        }
    )


# --------------------------------------------------------------------------- parent


def run_command(database: str, jsonl: Path, expected: int) -> dict:
    """`manage.py classify_text < jsonl`: wall time from start to the last line."""
    env = c.child_env(database)
    started = time.perf_counter()
    with jsonl.open("rb") as stdin:
        proc = subprocess.run(
            [c.PYTHON, "manage.py", "classify_text"],
            cwd=c.PROJECT,
            env=env,
            stdin=stdin,
            capture_output=True,
            timeout=900,
        )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"classify_text failed:\n{proc.stderr.decode()[-3000:]}")
    lines = proc.stdout.decode().splitlines()
    if len(lines) != expected:
        raise SystemExit(f"classify_text wrote {len(lines)} lines for {expected} messages")
    first = json.loads(lines[0])
    if set(first) != {"id", "signal_type", "intent", "confidence"}:
        raise SystemExit(f"unexpected output shape: {first}")
    return {"s": elapsed, "lines": len(lines)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--database", default="bench_classify")
    parser.add_argument("--workdir", default="/tmp/expansion-bench")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, *rest = args.child
        if kind == "api":
            child_api(rest[0], rest[1] if len(rest) > 1 else None)
        elif kind == "start":
            child_start()
        elif kind == "unique":
            child_unique(rest[0])
        elif kind == "huge":
            child_huge(rest[0])
        return
    if not 1 <= args.messages <= 200_000:
        raise SystemExit("--messages must be between 1 and 200,000")

    c.run_from_snapshot(args.workdir)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    import os
    import shutil

    model_cache = workdir / f"model-cache-{os.getpid()}"
    shutil.rmtree(model_cache, ignore_errors=True)
    os.environ["CLASSIFIER_CACHE_DIR"] = str(model_cache)  # every child: empty at first, then warm
    print(f"source: {c.git_state()}; {c.machine()}", flush=True)
    texts = messages(args.messages, args.seed)
    texts_path = workdir / f"classify-{args.messages}.json"
    texts_path.write_text(json.dumps(texts), encoding="utf-8")
    jsonl = workdir / f"classify-{args.messages}.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for n, text in enumerate(texts, start=1):
            out.write(json.dumps({"id": f"m{n}", "text": text}) + "\n")
    one = workdir / "classify-1.jsonl"
    one.write_text(json.dumps({"id": "m1", "text": texts[0]}) + "\n", encoding="utf-8")
    classes = length_classes(texts)
    print(
        f"{len(texts):,} messages, {sum(map(len, texts)) / 2**20:.1f} MB of text; "
        + ", ".join(f"{name}: {len(subset):,}" for name, subset in classes.items()),
        flush=True,
    )

    c.recreate_database(args.database)  # any database works: the command only reads phrase rules
    print("classify_texts in a fresh process ...", flush=True)
    api = c.run_child(HERE, args.database, "api", str(texts_path))
    print("worker start with the trained model in the local cache, fresh process ...", flush=True)
    start = c.run_child(HERE, args.database, "start")
    print("classify_texts on the distinct messages only, fresh process ...", flush=True)
    unique = c.run_child(HERE, args.database, "unique", str(texts_path))
    print("one 10.8 MB message ...", flush=True)
    huge = c.run_child(HERE, args.database, "huge", str(texts_path))
    print("classify_text command, one message (fixed cost) ...", flush=True)
    fixed = run_command(args.database, one, 1)
    print(f"classify_text command, {len(texts):,} messages ...", flush=True)
    command = run_command(args.database, jsonl, len(texts))

    n = len(texts)
    rows = [
        [
            "model training (empty model cache)",
            f"{api['training_s']:.1f}",
            f"{api['training_cpu_s']:.1f}",
            "",
            "",
            f"{api['peak_rss_after_training_mb']:,.0f}",
        ],
        [
            "model read from the local cache (worker start, imports included)",
            f"{start['s']:.2f}",
            f"{start['cpu_s']:.2f}",
            "",
            "",
            f"{start['peak_rss_mb']:,.0f}",
        ],
        [
            f"classify_texts, {n:,} messages in one call",
            f"{api['one_call_s']:.1f}",
            f"{api['one_call_cpu_s']:.1f}",
            c.fmt_int(n / api["one_call_s"]),
            c.fmt_int(n / api["one_call_cpu_s"]),
            f"{api['peak_rss_mb']:,.0f}",
        ],
        [
            "classify_texts, batches of 1,000",
            f"{api['batches_1000_s']:.1f}",
            f"{api['batches_1000_cpu_s']:.1f}",
            c.fmt_int(n / api["batches_1000_s"]),
            c.fmt_int(n / api["batches_1000_cpu_s"]),
            "",
        ],
    ]
    for name, r in api["by_length"].items():
        rows.append(
            [
                f"  {name}: {r['messages']:,} msgs, avg {r['avg_chars']:,.0f} chars",
                f"{r['s']:.1f}",
                f"{r['cpu_s']:.1f}",
                c.fmt_int(r["messages"] / r["s"]),
                c.fmt_int(r["messages"] / r["cpu_s"]),
                "",
            ]
        )
    rows += [
        [
            f"classify_texts, the {unique['messages']:,} distinct messages only (fresh process), avg "
            f"{unique['avg_chars']:,.0f} chars",
            f"{unique['s']:.1f}",
            f"{unique['cpu_s']:.1f}",
            c.fmt_int(unique["messages"] / unique["s"]),
            c.fmt_int(unique["messages"] / unique["cpu_s"]),
            "",
        ],
        [
            f"one {huge['chars'] / 1e6:.1f} MB message (truncated: {huge['truncated']})",
            f"{huge['s']:.2f}",
            f"{huge['cpu_s']:.2f}",
            "",
            "",
            f"{huge['rss_before_mb']:,.0f} -> {huge['rss_after_mb']:,.0f}",
        ],
        ["classify_text command, 1 message (start-up, cached model)", f"{fixed['s']:.1f}", "", "", "", ""],
        [
            f"classify_text command, {n:,} messages, end to end",
            f"{command['s']:.1f}",
            "",
            c.fmt_int(n / command["s"]),
            "",
            "",
        ],
        [
            "  the same without the fixed cost",
            f"{command['s'] - fixed['s']:.1f}",
            "",
            c.fmt_int(n / max(command["s"] - fixed["s"], 1e-9)),
            "",
            "",
        ],
    ]
    print()
    print(c.table(["measurement", "wall s", "CPU s", "messages/s (wall)", "messages/s (CPU)", "peak RSS MB"], rows))
    print(f"signal types found: {api['signal_types']}", flush=True)
    loads = {
        name: r.get("loadavg_1m_start")
        for name, r in (("api", api), ("start", start), ("unique", unique), ("huge", huge))
    }
    print(f"1-minute load average at the start of each measured process: {loads}", flush=True)
    figures = {
        "api": api,
        "start": start,
        "unique": unique,
        "huge": huge,
        "fixed": fixed,
        "command": command,
        "machine": c.machine(),
        "git": c.git_state(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str))
    if not args.no_profile:
        print("\nprofiling classify_texts ...", flush=True)
        prof = workdir / "classify.prof"
        try:
            profiled = c.run_child(HERE, args.database, "api", str(texts_path), str(prof))
        except c.ChildFailed as exc:
            print(f"profiling stopped: {exc}")
        else:
            profile_text = f"profiled wall {profiled['profiled_s']:.1f} s\n" + c.profile_top(prof)
            print("\n=== cProfile of classify_texts on all messages ===")
            print(profile_text)
            if args.json:
                Path(args.json).write_text(json.dumps({**figures, "profile": profile_text}, indent=2, default=str))
    if not args.keep:
        c.drop_database(args.database)
        for path in (texts_path, jsonl, one):
            with contextlib.suppress(OSError):
                path.unlink()
        shutil.rmtree(model_cache, ignore_errors=True)


if __name__ == "__main__":
    main()
