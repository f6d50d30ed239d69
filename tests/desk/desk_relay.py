"""The desk tests' relay (desk_scenario.py, desk_offline.py): a TCP relay
on 127.0.0.1 in front of jianyid that cuts the desk's link and turns new
connections away, and lets them through again."""
import socket
import threading


class Relay:
    """A TCP relay on 127.0.0.1 in front of jianyid, for the head's desk:
    cut() ends every connection through it and turns new ones away (the
    link is down, as when the office's line drops); restore() lets them
    through again. Each connection is relayed both ways by two threads."""

    def __init__(self, target_port):
        self.target = target_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.down = False
        self.open = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            if self.down:
                client.close()
                continue
            try:
                server = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _end(sock):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _pump(self, a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        self._end(a)
        self._end(b)

    def cut(self):
        self.down = True
        with self.lock:
            for sock in self.open:
                self._end(sock)
            self.open = []

    def restore(self):
        self.down = False
