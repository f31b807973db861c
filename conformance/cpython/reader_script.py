#!/usr/bin/env python3
"""Run reader-level conformance scenarios on CPython's real asyncio.StreamReader.

Usage: reader_script.py FILE...

Each FILE is a scenario in the format described in conformance/README.md.  For
every file, in the order given, one line is printed on stdout:

    {"results": [RECORD, ...]}

A new event loop is made for every file.  A malformed file stops the run: a
message naming the file and the problem goes to stderr and the exit status is
2 (lines already printed stay printed).

Only the standard library is used; this runs on Python 3.11 and newer.  A list
separator is passed to readuntil() as a tuple, which only 3.13 understands
(older versions give whatever error CPython gives; the comparator skips such
scenarios there).
"""

import asyncio
import json
import sys

DEFAULT_LIMIT = 65536

# set_exception names -> the builtin class a fresh instance is made of.
EXCEPTION_CLASSES = {
    "ConnectionResetError": ConnectionResetError,
    "BrokenPipeError": BrokenPipeError,
    "TimeoutError": TimeoutError,
    "OSError": OSError,
}

STEP_KINDS = ("feed", "feed_eof", "set_exception", "cancel", "call")

# call name -> keys a call step may carry besides "call".
CALL_KEYS = {
    "read": ("n",),
    "readline": (),
    "readuntil": ("separator",),
    "readexactly": ("n",),
    "at_eof": (),
}

TOP_KEYS = ("name", "limit", "transport", "steps")


class MalformedScenario(Exception):
    """The scenario file does not follow the format; the text says why."""


# --------------------------------------------------------------------------
# Parsing and validation


def _is_int(value):
    # JSON true/false arrive as bool, which is an int subclass: not accepted.
    return isinstance(value, int) and not isinstance(value, bool)


def _bytes_of(value, where):
    """Turn a BYTES JSON string (one code point per byte) into bytes."""
    if not isinstance(value, str):
        raise MalformedScenario(f"{where} must be a string of bytes (code points 0-255)")
    for pos, char in enumerate(value):
        if ord(char) > 0xFF:
            raise MalformedScenario(
                f"{where} has code point U+{ord(char):04X} at position {pos}; "
                f"only U+0000-U+00FF (one byte each) are allowed")
    return value.encode("latin-1")


def _step_error(index, text):
    return MalformedScenario(f"step {index}: {text}")


def _check_keys(step, allowed, index, what):
    for key in step:
        if key not in allowed:
            raise _step_error(index, f'unknown key "{key}" in a {what} step')


def _parse_step(index, step):
    """Return a normalized step tuple, or raise MalformedScenario."""
    if not isinstance(step, dict):
        raise _step_error(index, "must be a JSON object")
    kinds = [kind for kind in STEP_KINDS if kind in step]
    if len(kinds) != 1:
        if not kinds:
            unknown = ", ".join(f'"{key}"' for key in step) or "no keys"
            raise _step_error(
                index, f"unknown step kind ({unknown}); expected one of "
                       + ", ".join(f'"{kind}"' for kind in STEP_KINDS))
        raise _step_error(
            index, "has more than one step kind: " + ", ".join(f'"{k}"' for k in kinds))
    kind = kinds[0]
    value = step[kind]

    if kind == "feed":
        _check_keys(step, ("feed",), index, "feed")
        return ("feed", _bytes_of(value, f'step {index}: "feed"'))

    if kind == "feed_eof":
        _check_keys(step, ("feed_eof",), index, "feed_eof")
        if value is not True:
            raise _step_error(index, '"feed_eof" must be true')
        return ("feed_eof",)

    if kind == "set_exception":
        _check_keys(step, ("set_exception",), index, "set_exception")
        if not isinstance(value, str) or value not in EXCEPTION_CLASSES:
            raise _step_error(
                index, '"set_exception" must be one of '
                       + ", ".join(f'"{name}"' for name in EXCEPTION_CLASSES))
        return ("set_exception", value)

    if kind == "cancel":
        _check_keys(step, ("cancel",), index, "cancel")
        if value is not True:
            raise _step_error(index, '"cancel" must be true')
        return ("cancel",)

    # kind == "call"
    if not isinstance(value, str):
        raise _step_error(index, '"call" must be a string')
    if value not in CALL_KEYS:
        raise _step_error(
            index, f'unknown call "{value}"; expected one of '
                   + ", ".join(f'"{name}"' for name in CALL_KEYS))
    _check_keys(step, ("call",) + CALL_KEYS[value], index, f'"{value}" call')

    if value in ("read", "readexactly"):
        if "n" in step:
            n = step["n"]
            if not _is_int(n):
                raise _step_error(index, '"n" must be an integer')
        elif value == "readexactly":
            raise _step_error(index, '"readexactly" needs "n"')
        else:
            n = -1
        return ("call", value, n)

    if value == "readuntil":
        separator = step.get("separator", "\n")
        if isinstance(separator, list):
            parts = tuple(
                _bytes_of(part, f'step {index}: "separator"[{pos}]')
                for pos, part in enumerate(separator))
            return ("call", "readuntil", parts)
        if not isinstance(separator, str):
            raise _step_error(index, '"separator" must be a string of bytes or a list of them')
        return ("call", "readuntil", _bytes_of(separator, f'step {index}: "separator"'))

    return ("call", value)


def parse_scenario(doc):
    """Validate a decoded JSON document; return (limit, transport, steps)."""
    if not isinstance(doc, dict):
        raise MalformedScenario("the top level must be a JSON object")
    for key in doc:
        if key not in TOP_KEYS:
            raise MalformedScenario(
                f'unknown top-level key "{key}"; expected '
                + ", ".join(f'"{k}"' for k in TOP_KEYS))
    if "name" not in doc:
        raise MalformedScenario('missing "name"')
    if not isinstance(doc["name"], str):
        raise MalformedScenario('"name" must be a string')
    limit = doc.get("limit", DEFAULT_LIMIT)
    if not _is_int(limit):
        raise MalformedScenario('"limit" must be an integer')
    transport = doc.get("transport", False)
    if not isinstance(transport, bool):
        raise MalformedScenario('"transport" must be true or false')
    if "steps" not in doc:
        raise MalformedScenario('missing "steps"')
    steps = doc["steps"]
    if not isinstance(steps, list):
        raise MalformedScenario('"steps" must be a list')
    parsed = [_parse_step(index, step) for index, step in enumerate(steps)]
    return limit, transport, parsed


def load_scenario(path):
    """Read and validate one file; raise MalformedScenario with the reason."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise MalformedScenario(f"cannot read the file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedScenario(f"not UTF-8 text: {exc}")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise MalformedScenario(f"not valid JSON: {exc}")
    return parse_scenario(doc)


def uses_list_separator(steps):
    """True if a readuntil step passes a tuple of separators (needs 3.13)."""
    return any(step[0] == "call" and step[1] == "readuntil" and isinstance(step[2], tuple)
               for step in steps)


# --------------------------------------------------------------------------
# Running


class RecordingTransport:
    """Stands in for a read transport; logs flow-control calls into results."""

    def __init__(self, results):
        self._results = results
        self.recording = True

    def pause_reading(self):
        if self.recording:
            self._results.append({"event": "pause_reading"})

    def resume_reading(self):
        if self.recording:
            self._results.append({"event": "resume_reading"})

    def get_extra_info(self, name, default=None):
        return default

    def is_closing(self):
        return False


def _text(data):
    return bytes(data).decode("latin-1")


def _error_record(step, call, exc):
    name = type(exc).__name__
    record = {"step": step, "call": call, "error": name}
    if isinstance(exc, asyncio.IncompleteReadError):
        record["partial"] = _text(exc.partial)
        record["expected"] = exc.expected
    elif isinstance(exc, asyncio.LimitOverrunError):
        record["consumed"] = exc.consumed
    record["message"] = str(exc)
    return record


class _Call:
    __slots__ = ("step", "name", "task", "done_record", "recorded")

    def __init__(self, step, name, task=None, done_record=None):
        self.step = step
        self.name = name
        self.task = task
        self.done_record = done_record
        self.recorded = False

    def finished(self):
        return self.done_record is not None or self.task.done()

    def record(self):
        if self.done_record is not None:
            return self.done_record
        task = self.task
        if task.cancelled():
            return {"step": self.step, "call": self.name,
                    "error": "CancelledError", "message": ""}
        exc = task.exception()
        if exc is not None:
            return _error_record(self.step, self.name, exc)
        value = task.result()
        return {"step": self.step, "call": self.name, "value": _text(value)}


async def _settle():
    """Let the loop run until its ready queue is empty."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(0)
        if not loop._ready:
            return


async def _drive(limit, use_transport, steps, results):
    loop = asyncio.get_running_loop()
    try:
        reader = asyncio.StreamReader(limit=limit)
    except ValueError as exc:
        results.append({"step": -1, "call": "StreamReader",
                        "error": "ValueError", "message": str(exc)})
        return
    transport = None
    if use_transport:
        transport = RecordingTransport(results)
        reader.set_transport(transport)

    calls = []

    def sweep():
        for call in calls:
            if not call.recorded and call.finished():
                results.append(call.record())
                call.recorded = True

    for index, step in enumerate(steps):
        kind = step[0]
        if kind == "feed":
            try:
                reader.feed_data(step[1])
            except AssertionError as exc:
                results.append({"step": index, "call": "feed",
                                "error": "AssertionError", "message": str(exc)})
        elif kind == "feed_eof":
            reader.feed_eof()
        elif kind == "set_exception":
            reader.set_exception(EXCEPTION_CLASSES[step[1]]())
        elif kind == "cancel":
            for call in calls:
                if call.task is not None and not call.task.done():
                    call.task.cancel()
        else:
            name = step[1]
            if name == "at_eof":
                calls.append(_Call(index, name, done_record={
                    "step": index, "call": name, "value": reader.at_eof()}))
            else:
                if name == "read":
                    coro = reader.read(step[2])
                elif name == "readexactly":
                    coro = reader.readexactly(step[2])
                elif name == "readuntil":
                    coro = reader.readuntil(step[2])
                else:
                    coro = reader.readline()
                calls.append(_Call(index, name, task=loop.create_task(coro)))
        await _settle()
        sweep()

    leftovers = []
    for call in calls:
        if not call.recorded:
            results.append({"step": call.step, "call": call.name, "pending": True})
            leftovers.append(call.task)
    # Tidy up without recording anything more.
    if transport is not None:
        transport.recording = False
    for task in leftovers:
        task.cancel()
    if leftovers:
        await _settle()


def run_scenario(limit, use_transport, steps):
    """Run one validated scenario on a fresh event loop; return the records."""
    results = []
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_drive(limit, use_transport, steps, results))
    finally:
        loop.close()
    return results


def main(argv):
    if sys.flags.optimize:
        print("reader_script.py: do not run with -O: CPython's feed_data assert "
              "is part of the behaviour under test", file=sys.stderr)
        return 2
    paths = argv[1:]
    if not paths:
        print("usage: reader_script.py FILE...", file=sys.stderr)
        return 2
    out = sys.stdout
    for path in paths:
        try:
            limit, use_transport, steps = load_scenario(path)
        except MalformedScenario as exc:
            out.flush()
            print(f"{path}: {exc}", file=sys.stderr)
            return 2
        results = run_scenario(limit, use_transport, steps)
        out.write(json.dumps({"results": results}, ensure_ascii=True) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
