#!/usr/bin/env python3
"""CPython's asyncio echo client from the streams documentation.

  py_echo_client.py --port P [--host 127.0.0.1] [MESSAGE]
"""
import argparse
import asyncio


async def tcp_echo_client(message, host, port):
    reader, writer = await asyncio.open_connection(host, port)

    print(f'Send: {message!r}')
    writer.write(message.encode())
    await writer.drain()

    data = await asyncio.wait_for(reader.read(100), 10)
    print(f'Received: {data.decode()!r}')

    print('Close the connection')
    writer.close()
    await writer.wait_closed()


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('message', nargs='?', default='Hello World!')
    args = parser.parse_args()
    asyncio.run(tcp_echo_client(args.message, args.host, args.port))
