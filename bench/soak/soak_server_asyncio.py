"""soak_server_asyncio: the CPython asyncio peer of soak_server.cpp, line for line.

    python3 soak_server_asyncio.py lines [BACKLOG]
    python3 soak_server_asyncio.py sink DELAY

Prints "port N" once listening and serves until stdin closes.
"""
import asyncio
import sys
import threading

live = 0


async def lines_handler(reader, writer):
    global live
    live += 1
    try:
        while True:
            line = await asyncio.wait_for(reader.readline(), 3600)
            if not line:
                break
            writer.write(f"{live}\n".encode() if line == b"count\n" else line)
            if writer.transport.get_write_buffer_size() > (1 << 16):
                await writer.drain()
    except Exception:
        pass  # a reset or a timeout ends this connection only
    finally:
        live -= 1
    writer.close()


async def sink_handler(reader, writer, delay):
    global live
    live += 1
    total = 0
    try:
        while True:
            data = await reader.read(1 << 16)
            if not data:
                break
            total += len(data)
            await asyncio.sleep(delay)
        writer.write(f"{total}\n".encode())
        await writer.drain()
    except Exception:
        pass
    finally:
        live -= 1
    writer.close()


async def main(mode, delay, backlog):
    if mode == "sink":
        handler = lambda r, w: sink_handler(r, w, delay)  # noqa: E731
    else:
        handler = lines_handler
    server = await asyncio.start_server(handler, "127.0.0.1", 0, backlog=backlog)
    print("port", server.sockets[0].getsockname()[1], flush=True)
    stdin_closed = threading.Event()

    def watch():
        while sys.stdin.buffer.read(1):
            pass
        stdin_closed.set()

    threading.Thread(target=watch, daemon=True).start()
    while not stdin_closed.is_set():
        await asyncio.sleep(0.1)
    server.close()


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("lines", "sink"):
        sys.exit("usage: soak_server_asyncio.py lines [BACKLOG] | sink DELAY")
    arg = sys.argv[2] if len(sys.argv) > 2 else None
    if sys.argv[1] == "sink":
        asyncio.run(main("sink", float(arg or 0.001), 4096))
    else:
        asyncio.run(main("lines", 0, int(arg or 4096)))
