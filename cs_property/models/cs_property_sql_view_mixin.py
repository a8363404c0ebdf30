from odoo import models

# What a report over the service-charge invoices reads: the ORM flushes these
# fields before the report's query runs, so a figure never lags a payment
# made in the same transaction.
CHARGE_INVOICE_DEPENDS = {
    "account.move": [
        "move_type",
        "state",
        "payment_state",
        "amount_residual",
        "amount_total",
        "invoice_date",
        "invoice_date_due",
        "partner_id",
    ],
    "account.move.line": ["move_id", "cs_unit_id", "price_total"],
    "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date"],
    "cs.property.billing.line": ["move_line_id", "month", "released"],
    "cs.property.unit": ["estate_id", "building_id", "company_id"],
}


class CsPropertySqlViewMixin(models.AbstractModel):
    """A read-only report whose rows are one SQL query, not a table.

    The report writes ``_query()`` (an ``SQL`` returning an ``id`` column and
    one column per field) and lists in ``_depends`` the fields the query
    reads. It reads live data at every search: no view to create, drop or
    refresh at upgrade. The inheriting model still sets ``_auto = False``
    itself: Odoo takes it from the model's own class, never from a mixin.
    Users get read access only (ACL), so nothing writes to it.
    """

    _name = "cs.property.sql.view.mixin"
    _description = "SQL Report"

    def _query(self):
        """The ``SQL`` whose rows are the report's records."""
        raise NotImplementedError(self._name)

    @property
    def _table_query(self):
        return self._query()
