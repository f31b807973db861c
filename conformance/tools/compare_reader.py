#!/usr/bin/env python3
"""Compare our StreamReader with CPython's on reader-level scenarios.

Usage:
  compare_reader.py --ours PATH_TO_AIOSTREAMS_BINARY [--scenarios DIR] [--random-only]
                    [--random N] [--seed S] [--python EXE] [--keep DIR]

Every scenario in DIR (default: conformance/scenarios/reader) plus N random
ones (conformance/tools/gen_reader_scenarios.py) is run, in large batches,
through

    PATH_TO_AIOSTREAMS_BINARY reader-script FILE...
    PYTHON conformance/cpython/reader_script.py FILE...

and the parsed records are compared.  One line is printed per difference,
then a summary line "N passed, M failed, K skipped".  The exit status is 0
iff nothing failed.

The Python is --python, else $AIOSTREAMS_PYTHON, else the newest python3.X on
PATH that actually runs, else python3.  Scenarios that pass a list of
separators need Python >= 3.13 and are skipped on older ones.
"""

import argparse
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
CONFORMANCE_DIR = os.path.dirname(TOOLS_DIR)
READER_SCRIPT = os.path.join(CONFORMANCE_DIR, "cpython", "reader_script.py")
DEFAULT_SCENARIOS = os.path.join(CONFORMANCE_DIR, "scenarios", "reader")
GENERATOR = os.path.join(TOOLS_DIR, "gen_reader_scenarios.py")

BATCH_FILES = 500            # files per process
BATCH_ARG_CHARS = 100_000    # and at most this many characters of arguments
BATCH_TIMEOUT = 600          # seconds one batch may take on either side
FAILURE_DIR_NAME = "aiostreams-reader-failures"


def _load_module(name, path):
    sys.dont_write_bytecode = True      # leave no __pycache__ in the work tree
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reader_script = _load_module("aiostreams_reader_script", READER_SCRIPT)
generator = _load_module("aiostreams_gen_reader_scenarios", GENERATOR)


def say(text=""):
    print(text, flush=True)


def _one_line(text, limit=300):
    text = " | ".join(part.strip() for part in text.strip().splitlines() if part.strip())
    return text if len(text) <= limit else text[:limit] + "..."


# --------------------------------------------------------------------------
# Choosing the Python


def _python_version(exe):
    """(major, minor) if exe runs, else None."""
    try:
        done = subprocess.run(
            [exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    match = re.fullmatch(r"(\d+)\.(\d+)", done.stdout.decode("ascii", "replace").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _runs(exe):
    try:
        done = subprocess.run([exe, "-c", "import sys"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def choose_python(explicit):
    """Return (exe, (major, minor)); exit with status 2 if none works."""
    if explicit:
        source, exe = "--python", explicit
    elif os.environ.get("AIOSTREAMS_PYTHON"):
        source, exe = "AIOSTREAMS_PYTHON", os.environ["AIOSTREAMS_PYTHON"]
    else:
        source, exe = None, None
        found = {}
        for folder in os.environ.get("PATH", "").split(os.pathsep):
            if not folder or not os.path.isdir(folder):
                continue
            try:
                entries = os.listdir(folder)
            except OSError:
                continue
            for entry in entries:
                match = re.fullmatch(r"python3\.(\d+)", entry)
                path = os.path.join(folder, entry)
                if match and os.path.isfile(path) and os.access(path, os.X_OK):
                    found.setdefault(int(match.group(1)), []).append(path)
        for minor in sorted(found, reverse=True):
            for path in found[minor]:
                if _runs(path):
                    exe = path
                    break
            if exe:
                break
        if exe is None:
            exe = shutil.which("python3") or "python3"
    version = _python_version(exe)
    if version is None:
        where = f" (from {source})" if source else ""
        print(f"compare_reader.py: the Python {exe!r}{where} does not run", file=sys.stderr)
        sys.exit(2)
    return exe, version


# --------------------------------------------------------------------------
# Scenarios


class Scenario:
    __slots__ = ("path", "doc", "steps", "needs_313", "random")

    def __init__(self, path, is_random):
        self.path = path
        self.random = is_random
        self.doc = None
        self.steps = None
        self.needs_313 = False


def prepare(scenario):
    """Validate one file; return an error text, or None when it is usable."""
    try:
        _, _, steps = reader_script.load_scenario(scenario.path)
    except reader_script.MalformedScenario as exc:
        return str(exc)
    with open(scenario.path, "rb") as handle:
        scenario.doc = json.loads(handle.read().decode("utf-8"))
    scenario.steps = scenario.doc["steps"]
    scenario.needs_313 = reader_script.uses_list_separator(steps)
    return None


def make_batches(scenarios):
    batch, size = [], 0
    for scenario in scenarios:
        cost = len(scenario.path) + 1
        if batch and (len(batch) >= BATCH_FILES or size + cost > BATCH_ARG_CHARS):
            yield batch
            batch, size = [], 0
        batch.append(scenario)
        size += cost
    if batch:
        yield batch


# --------------------------------------------------------------------------
# Running


def run_side(command, paths):
    """Run command + paths; return (status, stdout lines, stderr text)."""
    try:
        done = subprocess.run(command + paths, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=BATCH_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, [], f"timed out after {BATCH_TIMEOUT} s"
    except OSError as exc:
        return None, [], f"could not start {command[0]!r}: {exc}"
    out = done.stdout.decode("utf-8", "replace").splitlines()
    return done.returncode, out, done.stderr.decode("utf-8", "replace")


def parse_line(line):
    """The records of one output line, or raise ValueError."""
    data = json.loads(line)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ValueError('not an object with a "results" list')
    return data["results"]


def _canonical(record):
    # Exact comparison: true is not 1, 1 is not 1.0, key order does not matter.
    return json.dumps(record, sort_keys=True)


def _steps_involved(scenario, ours, theirs, index):
    numbers = []
    for record in (ours[index] if index < len(ours) else None,
                   theirs[index] if index < len(theirs) else None):
        if isinstance(record, dict) and isinstance(record.get("step"), int) \
                and not isinstance(record.get("step"), bool):
            numbers.append(record["step"])
    if not [n for n in numbers if n >= 0]:
        # An event or a missing record: name the last step recorded before it.
        for record in reversed(theirs[:index]):
            if isinstance(record.get("step"), int) and record["step"] >= 0:
                numbers.append(record["step"])
                break
    parts = []
    for number in sorted(set(numbers)):
        if 0 <= number < len(scenario.steps):
            parts.append(f"step {number} = {json.dumps(scenario.steps[number])}")
        elif number == -1:
            parts.append(f"step -1 = StreamReader(limit={scenario.doc.get('limit', 65536)})")
    return "; ".join(parts) if parts else "(before any step was recorded)"


def compare(scenario, ours, theirs):
    """None if equal, else the text of the difference."""
    length = max(len(ours), len(theirs))
    for index in range(length):
        mine = ours[index] if index < len(ours) else None
        other = theirs[index] if index < len(theirs) else None
        if mine is not None and other is not None and _canonical(mine) == _canonical(other):
            continue
        mine_text = json.dumps(mine) if mine is not None else f"<none: only {len(ours)} records>"
        other_text = json.dumps(other) if other is not None else f"<none: only {len(theirs)} records>"
        return (f"record {index}: ours {mine_text} vs cpython {other_text}; "
                f"{_steps_involved(scenario, ours, theirs, index)}")
    return None


class Report:
    def __init__(self, failure_dir):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failure_dir = failure_dir
        self.saved = []

    def fail(self, scenario, text):
        self.failed += 1
        say(f"FAIL {scenario.path}: {text}")
        if scenario.random:
            self.save(scenario)

    def save(self, scenario):
        target = scenario.path
        if self.failure_dir is not None:
            os.makedirs(self.failure_dir, exist_ok=True)
            target = os.path.join(self.failure_dir, os.path.basename(scenario.path))
            shutil.copyfile(scenario.path, target)
        self.saved.append(target)
        say(f"  failing random scenario saved as {target}")


def run_batch(number, batch, ours_cmd, python_cmd, report):
    paths = [scenario.path for scenario in batch]
    label = f"batch {number}"
    files = f"{len(batch)} files, {paths[0]} .. {paths[-1]}"

    status, theirs_lines, err = run_side(python_cmd, paths)
    if status != 0 or len(theirs_lines) != len(batch):
        problem = (f"exited with status {status}" if status != 0
                   else f"printed {len(theirs_lines)} lines for {len(batch)} files")
        say(f"ERROR {label} ({files}): the CPython side {problem}: {_one_line(err)}")
        for scenario in batch:
            report.fail(scenario, "no CPython result (see the ERROR line above)")
        return

    status, ours_lines, err = run_side(ours_cmd, paths)
    if status == 0 and len(ours_lines) == len(batch):
        for scenario, mine, theirs in zip(batch, ours_lines, theirs_lines):
            check(scenario, mine, theirs, report)
        return

    problem = (f"exited with status {status}" if status != 0
               else f"printed {len(ours_lines)} lines for {len(batch)} files")
    say(f"FAIL {label} ({files}): our binary {problem}: {_one_line(err)}")
    say(f"  re-running the {len(batch)} files of {label} one at a time")
    before = report.failed
    outcomes = []
    for scenario, theirs in zip(batch, theirs_lines):
        status, lines, err = run_side(ours_cmd, [scenario.path])
        outcomes.append((scenario, status, lines, err, theirs))
        if status != 0 or len(lines) != 1:
            problem = (f"exited with status {status}" if status != 0
                       else f"printed {len(lines)} lines for 1 file")
            report.fail(scenario, f"our binary {problem}: {_one_line(err)}")
    if report.failed == before:
        # Each file works alone but not in the batch: blame the whole batch.
        for scenario, _, _, _, _ in outcomes:
            report.fail(scenario, f"fails only when run together with the rest of {label}")
        return
    for scenario, status, lines, err, theirs in outcomes:
        if status == 0 and len(lines) == 1:
            check(scenario, lines[0], theirs, report)


def check(scenario, mine_line, theirs_line, report):
    try:
        theirs = parse_line(theirs_line)
    except ValueError as exc:
        report.fail(scenario, f"the CPython side printed a bad line ({exc}): {theirs_line[:200]}")
        return
    try:
        mine = parse_line(mine_line)
    except ValueError as exc:
        report.fail(scenario, f"our binary printed a bad line ({exc}): {mine_line[:200]}")
        return
    difference = compare(scenario, mine, theirs)
    if difference is None:
        report.passed += 1
    else:
        report.fail(scenario, difference)


# --------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Compare our StreamReader with CPython's on reader-level scenarios.")
    parser.add_argument("--ours", required=True,
                        help="the aiostreams binary (run as BINARY reader-script FILE...)")
    parser.add_argument("--scenarios", default=DEFAULT_SCENARIOS,
                        help="directory of scenario files (default: %(default)s)")
    parser.add_argument("--loop", choices=("sim", "asio"), default="sim",
                        help="the loop our reader runs on (default: %(default)s)")
    parser.add_argument("--random-only", action="store_true",
                        help="run only the random scenarios, not the directory's")
    parser.add_argument("--random", type=int, default=0, metavar="N",
                        help="also run N random scenarios (default 0)")
    parser.add_argument("--seed", type=int, default=None, metavar="S",
                        help="seed for the random scenarios (default: a fresh one, printed)")
    parser.add_argument("--python", default=None, metavar="EXE",
                        help="the CPython to compare with (default: $AIOSTREAMS_PYTHON, "
                             "else the newest python3.X on PATH that runs, else python3)")
    parser.add_argument("--keep", default=None, metavar="DIR",
                        help="write the random scenarios into DIR and keep them")
    args = parser.parse_args(argv)
    if args.random < 0:
        parser.error("--random must not be negative")

    ours = os.path.abspath(args.ours) if os.path.sep in args.ours else (shutil.which(args.ours) or args.ours)
    if not (os.path.isfile(ours) and os.access(ours, os.X_OK)):
        print(f"compare_reader.py: --ours {args.ours!r} is not an executable file", file=sys.stderr)
        return 2
    if not args.random_only and not os.path.isdir(args.scenarios):
        print(f"compare_reader.py: --scenarios {args.scenarios!r} is not a directory", file=sys.stderr)
        return 2

    python, version = choose_python(args.python)
    say(f"cpython: {python} ({version[0]}.{version[1]})")
    ours_cmd = [ours, "reader-script", "--loop", args.loop]
    say(f"ours: {ours} on the {args.loop} loop")
    python_cmd = [python, READER_SCRIPT]

    scenarios = []
    if not args.random_only:
        scenarios = [Scenario(os.path.join(args.scenarios, entry), False)
                     for entry in sorted(os.listdir(args.scenarios)) if entry.endswith(".json")]
        say(f"scenarios: {len(scenarios)} from {args.scenarios}")

    temp_dir = None
    failure_dir = None
    seed = None
    if args.random:
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 32)
        if args.keep:
            random_dir = args.keep
        else:
            temp_dir = tempfile.mkdtemp(prefix="aiostreams-reader-random-")
            random_dir = temp_dir
            failure_dir = os.path.join(tempfile.gettempdir(), FAILURE_DIR_NAME)
        allow_lists = tuple(version[:2]) >= (3, 13)
        if not allow_lists:
            say(f"random: no separator lists (they need Python >= 3.13; this is {version[0]}.{version[1]})")
        paths = generator.write_scenarios(seed, args.random, random_dir, allow_lists)
        scenarios += [Scenario(path, True) for path in paths]
        say(f"random: {args.random} scenarios, seed {seed} (written to {random_dir}; "
            f"replay with --random {args.random} --seed {seed})")

    report = Report(failure_dir)
    try:
        runnable = []
        random_skips = 0
        skip_reason = (f"passes a list of separators, which needs Python >= 3.13 "
                       f"(this is {version[0]}.{version[1]})")
        for scenario in scenarios:
            problem = prepare(scenario)
            if problem is not None:
                report.fail(scenario, f"malformed scenario: {problem}")
            elif scenario.needs_313 and version < (3, 13):
                report.skipped += 1
                if scenario.random:
                    random_skips += 1
                else:
                    say(f"SKIP {scenario.path}: {skip_reason}")
            else:
                runnable.append(scenario)
        if random_skips:
            say(f"SKIP {random_skips} of the random scenarios: {skip_reason}")
        for number, batch in enumerate(make_batches(runnable), 1):
            run_batch(number, batch, ours_cmd, python_cmd, report)
    finally:
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)

    if seed is not None and report.failed:
        say(f"random seed was {seed}: replay with --random {args.random} --seed {seed}")
    if report.saved:
        say(f"{len(report.saved)} failing random scenario(s) saved; copy them into "
            f"{DEFAULT_SCENARIOS} to keep them in the corpus")
    say(f"{report.passed} passed, {report.failed} failed, {report.skipped} skipped")
    return 0 if report.failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # Output piped into e.g. head: stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
