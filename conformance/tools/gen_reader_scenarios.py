#!/usr/bin/env python3
"""Generate random reader-level conformance scenarios.

Usage: gen_reader_scenarios.py --seed S --count N --out DIR

Writes DIR/random_<S>_<i>.json for i in 0..N-1 (the "name" field is the file
name without .json).  The output depends only on S and N: all randomness comes
from one random.Random(S).  The scenarios favour the places where
implementations tend to differ: small limits, alphabets in which separators
occur often, chunkings around the limit, overlapping multi-separator tuples,
cancellation, exceptions, flow control and two calls in a row.

A scenario with a list separator needs Python 3.13 on the CPython side; nothing
marks it, the comparator finds that out itself.
"""

import argparse
import json
import os
import random
import sys

DEFAULT_LIMIT = 65536

# Small alphabets so that separators (and near-misses) occur often.
ALPHABETS = ("ab\n\r", "a\n", "ab\n", "a\r\n", "xa\n", "ab\r\n", "aab", "\n\r")
# Rarely mixed in: bytes that exercise the latin-1 mapping (0x00, 0x80-0xFF).
WIDE_BYTES = "\x00\x7f\x80\xe9\xff"

SINGLE_SEPARATORS = ("\n", "\r\n", "a", "ab", "aa")
MULTI_SEPARATOR_POOL = ("\n", "\r\n", "\r", "a", "ab", "aa", "b\n", "ba", "aab")
EXCEPTION_NAMES = ("ConnectionResetError", "BrokenPipeError", "TimeoutError", "OSError")

CALL_WEIGHTS = (("read", 20), ("readline", 18), ("readuntil", 26), ("readexactly", 20), ("at_eof", 8))


def _weighted(rng, pairs):
    total = sum(weight for _, weight in pairs)
    pick = rng.uniform(0, total)
    for item, weight in pairs:
        pick -= weight
        if pick <= 0:
            return item
    return pairs[-1][0]


class _Builder:
    """Builds one scenario; keeps a rough idea of how much data is around."""

    def __init__(self, rng, multi):
        self.rng = rng
        self.multi = multi    # whether this scenario may use list separators
        self.fed = 0          # bytes fed so far (rough guide for n values)
        self.last_chunk = 0

    def limit(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.80:
            # Mostly very small limits, sometimes up to 64.
            return rng.randint(1, rng.choice((3, 4, 6, 8, 16, 64)))
        if roll < 0.98:
            return DEFAULT_LIMIT
        return rng.choice((0, -1, -rng.randint(2, 100)))

    def chunk(self, alphabet, limit_hint):
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:
            length = 0
        elif roll < 0.55:
            length = rng.randint(1, 4)
        elif roll < 0.90:
            length = rng.randint(1, 2 * limit_hint + 2)
        else:
            length = rng.randint(limit_hint, 3 * limit_hint + 3)
        data = "".join(rng.choice(alphabet) for _ in range(length))
        self.fed += length
        self.last_chunk = length
        return data

    def size(self, limit_hint, negative_chance):
        rng = self.rng
        if rng.random() < negative_chance:
            return rng.choice((-1, -1, -2, -rng.randint(3, 50)))
        return rng.choice((0, 1, 2, 3, limit_hint - 1, limit_hint, limit_hint + 1,
                           2 * limit_hint, 2 * limit_hint + 1,
                           self.last_chunk, self.last_chunk + 1, max(0, self.fed // 2),
                           rng.randint(1, 3 * limit_hint + 2)))

    def separator(self, alphabet):
        rng = self.rng
        singles, pool = SINGLE_SEPARATORS, MULTI_SEPARATOR_POOL
        if rng.random() < 0.8:
            # Mostly separators that can occur in this scenario's data.
            singles = [sep for sep in singles if set(sep) <= set(alphabet)] or singles
            pool = [sep for sep in pool if set(sep) <= set(alphabet)]
            if len(pool) < 2:
                pool = MULTI_SEPARATOR_POOL
        roll = rng.random()
        if roll < 0.10:
            return None                     # key left out: default b"\n"
        if roll < 0.62:
            return rng.choice(singles)
        if not self.multi:
            if roll < 0.97:
                return rng.choice(singles)
            return rng.choice(("", "\r", "b"))
        if roll < 0.94:
            return rng.sample(pool, min(len(pool), rng.randint(2, 3)))
        if roll < 0.96:
            return [rng.choice(singles)]
        return rng.choice(("", [], [""], ["a", ""], "\r", "b"))

    def call(self, limit_hint, alphabet):
        rng = self.rng
        name = _weighted(rng, CALL_WEIGHTS)
        step = {"call": name}
        if name == "read":
            if rng.random() < 0.06:
                return step                 # n left out: -1 (read to EOF)
            step["n"] = self.size(limit_hint, negative_chance=0.08)
        elif name == "readexactly":
            step["n"] = self.size(limit_hint, negative_chance=0.03)
        elif name == "readuntil":
            separator = self.separator(alphabet)
            if separator is not None:
                step["separator"] = separator
        return step


def make_scenario(rng, name, allow_lists=True):
    """Return one scenario (a dict ready for json.dumps)."""
    # About 40% of the scenarios use tuples of separators (CPython >= 3.13
    # only); the rest can be checked against older Pythons as well. The draw
    # happens either way, so a seed gives the same other choices.
    multi = rng.random() < 0.4
    builder = _Builder(rng, multi=multi and allow_lists)
    limit = builder.limit()
    limit_hint = limit if 0 < limit <= 64 else rng.choice((4, 8, 16))
    alphabet = rng.choice(ALPHABETS)
    if rng.random() < 0.04:
        alphabet += WIDE_BYTES
    use_transport = rng.random() < 0.3
    count = rng.randint(20, 40)

    roll = rng.random()
    if roll < 0.85:
        eof_at = rng.randint(max(1, (count * 3) // 4), count - 1)
    elif roll < 0.92:
        eof_at = rng.randint(1, count - 1)
    else:
        eof_at = None
    feed_after_eof = rng.random() < 0.05
    exception_chance = 0.06 if rng.random() < 0.25 else 0.0

    steps = []
    eof = False
    while len(steps) < count:
        if eof_at is not None and len(steps) >= eof_at and not eof:
            steps.append({"feed_eof": True})
            eof = True
            continue
        roll = rng.random()
        # Exceptions are sticky, so they go in the last part of a scenario.
        late = len(steps) >= (count * 3) // 5
        if late and roll < exception_chance:
            steps.append({"set_exception": rng.choice(EXCEPTION_NAMES)})
        elif exception_chance <= roll < exception_chance + 0.11:
            steps.append({"cancel": True})
        elif roll < 0.45:
            if eof and not feed_after_eof:
                steps.append(builder.call(limit_hint, alphabet))
            elif eof and rng.random() < 0.7:
                steps.append({"feed_eof": True})
            else:
                steps.append({"feed": builder.chunk(alphabet, limit_hint)})
        else:
            steps.append(builder.call(limit_hint, alphabet))
            if rng.random() < 0.15 and len(steps) < count:
                # Two calls in a row: the second may meet the first one waiting.
                steps.append(builder.call(limit_hint, alphabet))

    scenario = {"name": name}
    if limit != DEFAULT_LIMIT or rng.random() < 0.5:
        scenario["limit"] = limit
    if use_transport:
        scenario["transport"] = True
    scenario["steps"] = steps
    return scenario


def generate(seed, count, allow_lists=True):
    """Return [(name, scenario), ...] for this seed; same seed, same list.
    allow_lists=False: no separator lists (for CPython older than 3.13)."""
    rng = random.Random(seed)
    result = []
    for index in range(count):
        name = f"random_{seed}_{index:05d}"
        result.append((name, make_scenario(rng, name, allow_lists)))
    return result


def scenario_text(scenario):
    """One scenario as JSON text, one step per line (stable formatting)."""
    head = [f'  "name": {json.dumps(scenario["name"])}']
    if "limit" in scenario:
        head.append(f'  "limit": {json.dumps(scenario["limit"])}')
    if scenario.get("transport"):
        head.append('  "transport": true')
    steps = scenario["steps"]
    if steps:
        body = ",\n".join("    " + json.dumps(step) for step in steps)
        head.append('  "steps": [\n' + body + "\n  ]")
    else:
        head.append('  "steps": []')
    return "{\n" + ",\n".join(head) + "\n}\n"


def write_scenarios(seed, count, out_dir, allow_lists=True):
    """Write the scenarios into out_dir; return the list of paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for name, scenario in generate(seed, count, allow_lists):
        path = os.path.join(out_dir, name + ".json")
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(scenario_text(scenario))
        paths.append(path)
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True, help="random seed (an integer)")
    parser.add_argument("--count", type=int, required=True, help="how many scenarios")
    parser.add_argument("--out", required=True, help="directory to write them into")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must not be negative")
    paths = write_scenarios(args.seed, args.count, args.out)
    print(f"wrote {len(paths)} scenarios (seed {args.seed}) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
