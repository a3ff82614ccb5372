"""A small TCP relay on 127.0.0.1 that can be cut and restored: it stands between the
app and PostgreSQL in the readiness test and the "database restarted under load" fault
run, so the shared database server itself is never stopped."""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    """Relays ``127.0.0.1:<port>`` to ``target``. ``cut()`` closes the listener and every
    relayed connection (as a database restart would); ``restore()`` listens again on the
    same port."""

    def __init__(self, target: tuple[str, int], port: int = 0) -> None:
        self.target = target
        self.port = port
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    restore = start

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            connections, self._connections = self._connections, set()
        if listener is not None:
            _close(listener)
        for connection in connections:
            _close(connection)

    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:
                    _close(client)
                    _close(upstream)
                    return
                self._connections.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                _close(sock)
            with self._lock:
                self._connections.discard(source)
                self._connections.discard(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def main() -> None:  # pragma: no cover  (used by bench/faults)
    """``python -m ops.tcpproxy LISTEN_PORT TARGET_PORT``; SIGUSR1 cuts, SIGUSR2 restores."""
    import signal
    import sys

    proxy = TcpProxy(("127.0.0.1", int(sys.argv[2])), port=int(sys.argv[1])).start()
    signal.signal(signal.SIGUSR1, lambda *_: proxy.cut())
    signal.signal(signal.SIGUSR2, lambda *_: proxy.restore())
    print(f"proxy 127.0.0.1:{proxy.port} -> {proxy.target}", flush=True)
    while True:
        signal.pause()


if __name__ == "__main__":  # pragma: no cover
    main()
