"""Service-charge billing runs and the arrears view at scale.

    make bench
    python bench/bench_billing.py -c odoo.conf -d DB [--sizes 1000,10000]

Prints, for a billing run of N units (one payer per unit, two charge items):
seconds, invoices per second and SQL queries per invoice for the preview and
for the billing itself (queries per invoice should stay flat as N grows);
then the time and queries of reading the arrears view grouped by estate and
of a list page of 80 rows against 8 rows. Rolled back: the database is left
as it was.
"""

import argparse
import time
from contextlib import contextmanager

import odoo
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor


@contextmanager
def counting():
    counter = {"queries": 0}
    execute = Cursor.execute

    def counted(self, *args, **kwargs):
        counter["queries"] += 1
        return execute(self, *args, **kwargs)

    Cursor.execute = counted
    try:
        yield counter
    finally:
        Cursor.execute = execute


def setup(env, size, tag):
    estate = env["cs.property.estate"].create({"name": f"Bench {tag}", "code": f"BB{tag}"})
    building = env["cs.property.building"].create(
        {"estate_id": estate.id, "name": "B", "completion_date": "2020-01-01"}
    )
    units = env["cs.property.unit"].create(
        [
            {
                "building_id": building.id,
                "name": str(i),
                "gross_area": 80 + i % 50,
                "handover_date": "2020-06-01",
                "state": "occupied",
            }
            for i in range(size)
        ]
    )
    partners = env["res.partner"].create([{"name": f"Owner {tag}-{i}"} for i in range(size)])
    env["cs.property.occupancy"].create(
        [
            {"unit_id": u.id, "partner_id": p.id, "role": "owner", "date_start": "2020-06-01"}
            for u, p in zip(units, partners, strict=True)
        ]
    )
    product = env.ref("cs_property.product_service_charge")
    for name, basis, rate in (("Fee", "gross_area", 2.5), ("Waste", "flat", 10)):
        env["cs.property.charge.item"].create(
            {
                "estate_id": estate.id,
                "name": name,
                "basis": basis,
                "product_id": product.id,
                "price_ids": [Command.create({"date_from": "2020-01-01", "rate": rate})],
            }
        )
    return estate


def bench_run(env, size):
    estate = setup(env, size, size)
    env.flush_all()
    run = env["cs.property.billing.run"].create(
        {
            "estate_ids": [Command.set(estate.ids)],
            "date_start": "2025-01-01",
            "invoice_date": "2025-01-01",
            "batch_size": 500,
        }
    )
    with counting() as counter:
        start = time.perf_counter()
        run.action_preview()
        env.flush_all()
        preview = time.perf_counter() - start
    print(
        f"  preview {size:>6} units: {preview:7.1f}s, {counter['queries'] / size:6.2f} queries/unit"
    )
    run.state = "running"
    with counting() as counter:
        start = time.perf_counter()
        run._process_batches(commit=False)
        env.flush_all()
        billing = time.perf_counter() - start
    invoices = run.invoice_count
    print(
        f"  billing {size:>6} units: {billing:7.1f}s, {invoices / billing:6.1f} invoices/s, "
        f"{counter['queries'] / invoices:6.2f} queries/invoice"
    )


def bench_arrears(env):
    Arrears = env["cs.property.arrears"]
    invoices = env["account.move"].search_count([("move_type", "=", "out_invoice")])
    env.invalidate_all()
    with counting() as counter:
        start = time.perf_counter()
        rows = Arrears._read_group([], ["estate_id"], ["amount_overdue:sum", "__count"])
        elapsed = time.perf_counter() - start
    print(
        f"  arrears by estate over {invoices} invoices: {elapsed:5.2f}s, "
        f"{counter['queries']} queries, {sum(r[2] for r in rows)} rows"
    )
    fields_ = [
        "unit_id",
        "partner_id",
        "amount_overdue",
        "months_overdue",
        "oldest_due",
        "bucket_0_30",
        "bucket_365",
    ]
    for limit in (8, 80):
        env.invalidate_all()
        with counting() as counter:
            Arrears.web_search_read([], {f: {} for f in fields_}, limit=limit)
        print(f"  arrears list of {limit:>2} rows: {counter['queries']} queries")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        print("Service-charge billing runs")
        for size in (int(s) for s in args.sizes.split(",")):
            bench_run(env, size)
        bench_arrears(env)
        cr.rollback()


if __name__ == "__main__":
    main()
