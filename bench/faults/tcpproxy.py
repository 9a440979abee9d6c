"""A loopback TCP proxy for fault tests: forward, stall (black-hole) or cut a service.

    proxy = TcpProxy(("127.0.0.1", 5432)).start()   # listen on proxy.port
    proxy.stall()     # connections stay open, nothing passes either way (a black hole)
    proxy.cut()       # every connection reset, new ones refused
    proxy.forward()   # back to normal (new connections)
    proxy.stop()

The app talks to the proxy's port instead of the service's, so a fault hits only this test's
connections, never other users of the machine's PostgreSQL or Redis.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading


class TcpProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.mode = "forward"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._stopped = threading.Event()

    def start(self) -> TcpProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def forward(self) -> None:
        self.mode = "forward"

    def stall(self) -> None:
        self.mode = "stall"

    def cut(self) -> None:
        self.mode = "cut"
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    # SO_LINGER 0: close with a reset, like a crashed server's host.
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                    sock.close()
            self._sockets.clear()

    def stop(self) -> None:
        self._stopped.set()
        self.cut()
        with contextlib.suppress(OSError):
            self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "cut":
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                client.close()
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with self._lock:
            self._sockets.add(client)
        while self.mode == "stall" and not self._stopped.is_set():
            self._stopped.wait(0.05)  # accepted, never answered
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        with self._lock:
            self._sockets.add(server)
        pair = {client: server, server: client}
        try:
            while not self._stopped.is_set():
                if self.mode == "stall":
                    self._stopped.wait(0.05)  # hold the bytes: neither side hears anything
                    continue
                readable, _, _ = select.select(list(pair), [], [], 0.1)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except OSError:
            return
        finally:
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.close()
