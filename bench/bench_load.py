"""A busy office against a multi-worker server, over JSON-RPC on 127.0.0.1.

    python bench/bench_load.py -c odoo.conf -d DB [--load-clients 8,16]
        [--load-seconds 60] [--load-url http://127.0.0.1:8069]

Without ``--load-url`` it starts ``odoo-bin --workers=4`` on 127.0.0.1 (a
free port, no cron) on the database — which must hold cs_property with its
demo data (the demo staff log in with their login as password) — and stops
it at the end. Nothing but loopback traffic; every client loop is bounded by
``--load-seconds``.

For each number of clients it runs that many clients at once, each one of a
role of an office mix, for the given time:

- agents (half the clients): create a complaint and a service order, read
  the latest complaints and orders (a list page of 80);
- technicians (a third): read their orders and note a customer comment on one;
- the manager (the rest): open the pivots (``read_group`` of complaints by
  category and month, of orders by state and category).

It prints requests per second, p50/p95/p99 in milliseconds per call kind and
the count of failed requests (with the first error of each kind). The forms
created are real (the database keeps them): run it on a bench database.
"""

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict

from _common import parse, parser

AGENTS = ("cs_agent", "cs_frontdesk")
TECHNICIANS = ("tech_liu", "tech_chen", "tech_lead")
MANAGER = "cs_manager"


class Client:
    """One JSON-RPC session (``/jsonrpc``, the external API) of one user."""

    def __init__(self, url, db, login):
        self.url, self.db, self.login = url + "/jsonrpc", db, login
        self.uid = self._call("common", "login", db, login, login)

    def _call(self, service, method, *args):
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {"service": service, "method": method, "args": list(args)},
            }
        ).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read())
        if answer.get("error"):
            data = answer["error"].get("data") or {}
            raise RuntimeError(data.get("name", "") + ": " + str(data.get("message", ""))[:200])
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self._call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.login,
            model,
            method,
            list(args),
            kwargs,
        )


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.failed = defaultdict(int)
        self.first_error = {}

    def timed(self, kind, func, *args, **kwargs):
        start = time.perf_counter()
        try:
            result = func(*args, **kwargs)
        except Exception as exc:
            with self.lock:
                self.failed[kind] += 1
                self.first_error.setdefault(kind, str(exc))
            return None
        with self.lock:
            self.times[kind].append(time.perf_counter() - start)
        return result


def _percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def office_data(client):
    """What the agents file forms about: units of the demo estates with a
    contact, the service-order categories."""
    units = client.call(
        "cs.property.unit", "search_read", [], fields=["estate_id", "primary_contact_id"], limit=300
    )
    units = [unit for unit in units if unit["primary_contact_id"]]
    categories = client.call("cs.property.repair.category", "search", [], limit=20)
    return units, categories


def agent(client, stats, deadline, data):
    units, categories = data
    rnd = random.Random(client.login + str(threading.get_ident()))
    while time.monotonic() < deadline:
        unit = rnd.choice(units)
        common = {
            "estate_id": unit["estate_id"][0],
            "unit_id": unit["id"],
            "partner_id": unit["primary_contact_id"][0],
        }
        stats.timed(
            "create complaint",
            client.call,
            "cs.property.complaint",
            "create",
            {**common, "complaint_type": "engineering", "description": "<p>Load test</p>"},
        )
        stats.timed(
            "create order",
            client.call,
            "cs.property.repair",
            "create",
            {
                **common,
                "category_id": rnd.choice(categories),
                "charge_to": "none",
                "description": "Load test",
            },
        )
        stats.timed(
            "read complaints",
            client.call,
            "cs.property.complaint",
            "search_read",
            [],
            fields=["name", "state", "partner_id", "unit_id", "received_at"],
            limit=80,
        )
        stats.timed(
            "read orders",
            client.call,
            "cs.property.repair",
            "search_read",
            [],
            fields=["name", "state", "technician_id", "unit_id", "category_id"],
            limit=80,
        )


def technician(client, stats, deadline, _data):
    while time.monotonic() < deadline:
        orders = stats.timed(
            "read own orders",
            client.call,
            "cs.property.repair",
            "search_read",
            [("technician_id", "=", client.uid), ("state", "in", ["dispatched", "in_progress"])],
            fields=["name", "state", "customer_comment"],
            limit=20,
        )
        if orders:
            stats.timed(
                "update own order",
                client.call,
                "cs.property.repair",
                "write",
                [random.choice(orders)["id"]],
                {"customer_comment": f"checked {time.time():.0f}"},
            )
        else:
            time.sleep(0.2)


def manager(client, stats, deadline, _data):
    while time.monotonic() < deadline:
        stats.timed(
            "pivot complaints",
            client.call,
            "cs.property.complaint",
            "read_group",
            [],
            ["__count"],
            ["category_id", "received_at:month"],
            lazy=False,
        )
        stats.timed(
            "pivot orders",
            client.call,
            "cs.property.repair",
            "read_group",
            [],
            ["__count"],
            ["state", "category_id"],
            lazy=False,
        )


def run_clients(url, db, count, seconds):
    roles = []
    for i in range(count):
        if i % 6 in (0, 2, 4):
            roles.append((agent, AGENTS[i % len(AGENTS)]))
        elif i % 6 in (1, 3):
            roles.append((technician, TECHNICIANS[i % len(TECHNICIANS)]))
        else:
            roles.append((manager, MANAGER))
    clients = [(role, Client(url, db, login)) for role, login in roles]
    data = office_data(next(c for r, c in clients if r is agent))
    stats = Stats()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=role, args=(client, stats, deadline, data))
        for role, client in clients
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 300)
    elapsed = time.perf_counter() - start
    total = sum(len(v) for v in stats.times.values())
    failed = sum(stats.failed.values())
    print(f"{count} clients, {elapsed:.0f} s: {total / elapsed:.1f} requests/s, {failed} failed")
    for kind in sorted(set(stats.times) | set(stats.failed)):
        times = stats.times.get(kind) or [0.0]
        print(
            f"  {kind:<18} n={len(stats.times.get(kind, [])):>5}  "
            f"p50 {_percentile(times, 50) * 1000:7.0f} ms  "
            f"p95 {_percentile(times, 95) * 1000:7.0f} ms  "
            f"p99 {_percentile(times, 99) * 1000:7.0f} ms  failed {stats.failed.get(kind, 0)}"
        )
    for kind, error in stats.first_error.items():
        print(f"  first failure of {kind}: {error}")
    sys.stdout.flush()


def start_server(args):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    odoo_src = os.environ.get("ODOO_SRC", "/opt/odoo")
    python = os.environ.get("ODOO_PYTHON", sys.executable)
    server = subprocess.Popen(
        [
            python,
            os.path.join(odoo_src, "odoo-bin"),
            "-c",
            os.path.abspath(args.config),
            "-d",
            args.database,
            "--db-filter",
            f"^{args.database}$",
            "--workers=4",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--log-level=warn",
            "--limit-time-real=600",
            "--limit-time-cpu=600",
        ],
        cwd=odoo_src,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _i in range(240):  # up to 2 minutes to listen
        try:
            urllib.request.urlopen(url + "/web/login", timeout=5)
            return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not start")


def main():
    args = parse(parser(__doc__, load_clients="8,16", load_seconds=60, load_url=""))
    server, url = (None, args.load_url) if args.load_url else start_server(args)
    try:
        print(f"load: {url}, database {args.database}")
        try:
            Client(url, args.database, MANAGER)
        except Exception as exc:  # a bench database without the demo staff
            print(f"load: skipped, the demo staff cannot log in ({exc})")
            return
        for count in [int(n) for n in args.load_clients.split(",") if n]:
            run_clients(url, args.database, count, args.load_seconds)
    finally:
        if server:
            server.terminate()
            server.wait(60)


if __name__ == "__main__":
    main()
