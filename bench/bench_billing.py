"""Service-charge billing runs and the arrears view at scale.

    make bench
    python bench/bench_billing.py -c odoo.conf -d DB [--sizes 1000,10000]
        [--arrears 100000] [--arrears-base 1000]

Prints, for a billing run of N units (one payer per unit, two charge items):
seconds, invoices per second and SQL queries per invoice for the preview and
for the billing itself (queries per invoice should stay flat as N grows).

Then the arrears view over ``--arrears`` customer invoices. Creating 100,000
invoices through the ORM takes hours on a small machine, so the volume is
built in two steps:

1. a real base through the ORM: ``--arrears-base`` units (one payer each,
   two charge items) billed for one month by a billing run — posted invoices
   with taxes, analytic distribution, receivable lines and billed charge
   months — then Odoo's register-payment pays three invoices in four in full
   and one in ten in part (half), a real estate's collection rate, so the base
   holds paid, partial and unpaid invoices with their reconciliations;
2. multiplied in SQL: ``INSERT … SELECT`` copies every column of the base
   ``account_move`` and ``account_move_line`` rows (new ids, ``move_id``
   remapped, a unique name per copy, invoice/accounting/due dates moved back
   by 7 days per copy so the invoices spread over two years and fill every
   aging bucket) and the billed charge months of the copied lines (marked
   released, which the view does not read, so the unique key holds). Payments
   and partial reconciliations are not copied: a copy keeps the residual
   amount and payment state of its original, which is all the view reads.

It prints the seconds and queries of the arrears ``_read_group`` by estate,
totals by aging bucket, and a list page of 8 against 80 rows (a search and the
pager's count), without and with the partial index of open customer invoices
(``account_move_cs_open_invoice_due_idx``, dropped and re-created inside the
transaction). Everything is rolled back: the database is left as it was.
"""

from _common import counting, ensure_accounting, environment, parse, parser, sizes, timer
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.fields import Command


def setup(env, size, tag):
    ensure_accounting(env)
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
    with counting() as counter, timer() as clock:
        run.action_preview()
        env.flush_all()
    print(
        f"  preview {size:>6} units: {clock['seconds']:7.1f}s, "
        f"{counter['queries'] / size:6.2f} queries/unit"
    )
    run.state = "running"
    with counting() as counter, timer() as clock:
        run._process_batches(commit=False)
        env.flush_all()
    billing = clock["seconds"]
    invoices = run.invoice_count
    print(
        f"  billing {size:>6} units: {billing:7.1f}s, {invoices / billing:6.1f} invoices/s, "
        f"{counter['queries'] / invoices:6.2f} queries/invoice, "
        # on a shared machine: Python CPU per invoice does not depend on the other loads
        f"{clock['cpu'] * 1000 / invoices:6.1f} ms Python CPU/invoice"
    )


def arrears_base(env, size):
    """``size`` real posted charge invoices, due a month ago, some paid."""
    estate = setup(env, size, "AR")
    estate.charge_payment_term_id = False  # due on the invoice date
    today = fields.Date.context_today(estate)
    start = (today - relativedelta(months=1)).replace(day=1)
    run = env["cs.property.billing.run"].create(
        {
            "estate_ids": [Command.set(estate.ids)],
            "date_start": start,
            "invoice_date": start,
            "batch_size": 500,
        }
    )
    run.action_preview()
    run.state = "running"
    run._process_batches(commit=False)
    moves = env["cs.property.billing.line"].search([("run_id", "=", run.id)]).move_id.sorted("id")
    # a collection rate of a real estate: 3 invoices in 4 paid, 1 in 10 half
    # paid, the rest (15 %) unpaid
    paid = moves.filtered(lambda m: m.id % 20 < 15)
    partial = moves.filtered(lambda m: m.id % 20 in (15, 16))
    Register = env["account.payment.register"]
    Register.with_context(active_model="account.move", active_ids=paid.ids).create(
        {"group_payment": False}
    )._create_payments()
    for move in partial:
        Register.with_context(active_model="account.move", active_ids=move.ids).create(
            {"amount": move.currency_id.round(move.amount_total / 2)}
        )._create_payments()
    env.flush_all()
    return moves


def _columns(env, table):
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in env.cr.fetchall()]


def _copy_sql(env, table, alias, overrides):
    columns = _columns(env, table)
    values = [overrides.get(col, f"{alias}.{col}") for col in columns]
    return ", ".join(["id", *columns]), ", ".join(values)


def multiply(env, moves, total, existing):
    """Copy the base invoices in SQL until there are ``total`` customer
    invoices (``existing`` were there before the base)."""
    copies = max(0, -(-(total - existing) // len(moves)) - 1)
    cr = env.cr
    cr.execute(
        """
        CREATE TEMP TABLE bench_move_map ON COMMIT DROP AS
        SELECT m.id AS old_id, k, nextval('account_move_id_seq') AS new_id
          FROM account_move m, generate_series(1, %s) k
         WHERE m.id = ANY(%s)
        """,
        [copies, moves.ids],
    )
    cr.execute(
        """
        CREATE TEMP TABLE bench_line_map ON COMMIT DROP AS
        SELECT l.id AS old_id, mm.new_id AS move_id, mm.k,
               nextval('account_move_line_id_seq') AS new_id
          FROM account_move_line l JOIN bench_move_map mm ON mm.old_id = l.move_id
        """
    )
    shift = "- 7 * mp.k"
    cols, values = _copy_sql(
        env,
        "account_move",
        "m",
        {
            "name": "m.name || '/' || mp.k",
            "date": f"m.date {shift}",
            "invoice_date": f"m.invoice_date {shift}",
            "invoice_date_due": f"m.invoice_date_due {shift}",
            "payment_reference": "m.name || '/' || mp.k",
        },
    )
    cr.execute(
        f"INSERT INTO account_move ({cols}) SELECT mp.new_id, {values} "
        "FROM account_move m JOIN bench_move_map mp ON mp.old_id = m.id"
    )
    cols, values = _copy_sql(
        env,
        "account_move_line",
        "l",
        {
            "move_id": "mp.move_id",
            "move_name": "l.move_name || '/' || mp.k",
            "date": f"l.date {shift}",
            "invoice_date": f"l.invoice_date {shift}",
            "date_maturity": f"l.date_maturity {shift}",
            "full_reconcile_id": "NULL",
            "matching_number": "NULL",
        },
    )
    cr.execute(
        f"INSERT INTO account_move_line ({cols}) SELECT mp.new_id, {values} "
        "FROM account_move_line l JOIN bench_line_map mp ON mp.old_id = l.id"
    )
    cols, values = _copy_sql(
        env,
        "cs_property_billing_line",
        "b",
        {
            "move_id": "mp.move_id",
            "move_line_id": "mp.new_id",
            "month": f"date_trunc('month', b.month {shift})::date",
            "released": "TRUE",
        },
    )
    cr.execute(
        f"INSERT INTO cs_property_billing_line ({cols}) "
        f"SELECT nextval('cs_property_billing_line_id_seq'), {values} "
        "FROM cs_property_billing_line b JOIN bench_line_map mp ON mp.old_id = b.move_line_id"
    )
    cr.execute("ANALYZE account_move, account_move_line, cs_property_billing_line")
    env.invalidate_all()


def read_arrears(env, label):
    Arrears = env["cs.property.arrears"]
    buckets = [
        "bucket_0_30:sum",
        "bucket_31_90:sum",
        "bucket_91_180:sum",
        "bucket_181_365:sum",
        "bucket_365:sum",
    ]
    for name, groupby, aggregates in (
        ("by estate", ["estate_id"], ["amount_overdue:sum", "__count"]),
        ("by bucket", [], buckets),
    ):
        env.invalidate_all()
        with counting() as counter, timer() as clock:
            rows = Arrears._read_group([], groupby, aggregates)
        print(
            f"  {label}: arrears {name}: {clock['seconds']:5.2f}s, "
            f"{counter['queries']} queries, {len(rows)} groups"
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
        with counting() as counter, timer() as clock:
            Arrears.web_search_read([], {f: {} for f in fields_}, limit=limit)
        print(
            f"  {label}: arrears list of {limit:>2} rows: {clock['seconds']:5.2f}s, "
            f"{counter['queries']} queries"
        )


def bench_arrears(env, total, base):
    Move = env["account.move"]
    existing = Move.search_count([("move_type", "=", "out_invoice")])
    with timer() as clock:
        moves = arrears_base(env, base)
    print(f"  arrears base: {len(moves)} invoices through the ORM in {clock['seconds']:.1f}s")
    with timer() as clock:
        multiply(env, moves, total, existing)
    invoices = Move.search_count([("move_type", "=", "out_invoice")])
    overdue = env["cs.property.arrears"].search_count([])
    print(
        f"  multiplied in SQL in {clock['seconds']:.1f}s: {invoices} customer invoices, "
        f"{overdue} arrears rows"
    )
    index = "account_move_cs_open_invoice_due_idx"
    env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
    definition = env.cr.fetchone()
    if definition:
        # measured without it too; the DROP is rolled back with the rest (it
        # locks account_move until then: a bench database, not a live one)
        env.cr.execute(f"DROP INDEX {index}")
        env.cr.execute("ANALYZE account_move")
        read_arrears(env, "without index")
        env.cr.execute(definition[0])
        env.cr.execute("ANALYZE account_move")
        read_arrears(env, "   with index")
    else:
        read_arrears(env, "without index")


def main():
    args = parse(parser(__doc__, sizes="1000,10000", arrears=100000, arrears_base=1000))
    with environment(args) as env:
        print("Service-charge billing runs")
        for size in sizes(args.sizes):
            bench_run(env, size)
        bench_arrears(env, args.arrears, args.arrears_base)


if __name__ == "__main__":
    main()
