"""One billing run spread over several worker processes.

    python bench/bench_billing_workers.py -c odoo.conf -d DB [--workers-units 3000]
        [--workers-counts 1,2]

For each worker count: an estate of ``--workers-units`` units (one payer
each, two charge items) and its billing run, previewed and committed; then
that many processes, each as a cron job would (``_process_batches_retrying``:
batches claimed with ``FOR UPDATE SKIP LOCKED``, committed one by one), bill
the run at once. Prints the seconds and invoices per second from the start
signal to the last process done (the registry is loaded before), and checks
that every unit, item and month is billed once.

It commits what it creates (estates, units, invoices): run it on a bench
database.
"""

import os
import subprocess
import sys
import time

from _common import parse, parser
from bench_billing import setup

import odoo
from odoo.fields import Command
from odoo.modules.registry import Registry


def registry_of(args):
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    return Registry(args.database)


def prepare(args, size, workers):
    registry = registry_of(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        estate = setup(env, size, f"W{workers}-{int(time.time()) % 10**6}")
        run = env["cs.property.billing.run"].create(
            {
                "estate_ids": [Command.set(estate.ids)],
                "date_start": "2025-01-01",
                "invoice_date": "2025-01-01",
                "batch_size": 100,
            }
        )
        run.action_preview()
        run.state = "running"
        return run.id


def worker(args, run_id):
    """A child process: load the registry, say ready, bill on the start signal."""
    registry = registry_of(args)
    print("ready", flush=True)
    sys.stdin.readline()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        env["cs.property.billing.run"].browse(run_id)._process_batches_retrying(tries=10)


def measure(args, size, workers):
    run_id = prepare(args, size, workers)
    children = [
        subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), *sys.argv[1:], "--bill-run", str(run_id)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _i in range(workers)
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        child.wait(3600)
    seconds = time.perf_counter() - start
    with registry_of(args).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        run = env["cs.property.billing.run"].browse(run_id)
        billed = env["cs.property.billing.line"].search([("run_id", "=", run_id)])
        keys = {(b.unit_id.id, b.item_id.id, b.month) for b in billed}
        invoices = run.invoice_count
        print(
            f"  {workers} worker(s), {size} units: {seconds:7.1f}s, "
            f"{invoices / seconds:6.1f} invoices/s, run {run.state}, "
            f"{len(billed)} billed lines, {len(keys)} distinct (unit, item, month)"
        )
    return invoices / seconds


def main():
    args = parse(parser(__doc__, workers_units=3000, workers_counts="1,2", bill_run=0))
    if args.bill_run:
        return worker(args, args.bill_run)
    print("One billing run, several workers")
    rates = {}
    for count in [int(n) for n in args.workers_counts.split(",") if n]:
        rates[count] = measure(args, args.workers_units, count)
    if 1 in rates and len(rates) > 1:
        for count, rate in rates.items():
            if count != 1:
                print(f"  {count} workers / 1 worker: {rate / rates[1]:.2f}x")
    return None


if __name__ == "__main__":
    main()
