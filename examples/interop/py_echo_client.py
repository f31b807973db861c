#!/usr/bin/env python3
"""CPython's asyncio echo client from the streams documentation.

  py_echo_client.py --port P [--host 127.0.0.1] [--cafile FILE] [MESSAGE]

--cafile: connect over TLS, verifying the server against that CA.
"""
import argparse
import asyncio
import ssl


async def tcp_echo_client(message, host, port, cafile):
    context = ssl.create_default_context(cafile=cafile) if cafile else None
    reader, writer = await asyncio.open_connection(host, port, ssl=context)

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
    parser.add_argument('--cafile')
    parser.add_argument('message', nargs='?', default='Hello World!')
    args = parser.parse_args()
    asyncio.run(tcp_echo_client(args.message, args.host, args.port, args.cafile))
