from odoo import fields, models


class CsPropertyRenovationDocumentType(models.Model):
    """A document an applicant hands in (ID, property certificate, licence…)."""

    _name = "cs.property.renovation.document.type"
    _description = "Renovation Document Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    always_required = fields.Boolean(
        string="Required for Every Application",
        help="Asked for whatever the scope (ID, property certificate, contractor licence).",
    )
    active = fields.Boolean(default=True)


class CsPropertyRenovationScope(models.Model):
    """A kind of renovation work: whether engineering must review it, whether it
    is forbidden, the documents and extra deposit it needs."""

    _name = "cs.property.renovation.scope"
    _description = "Renovation Scope Item"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    needs_review = fields.Boolean(
        string="Engineering Review",
        help="Walls, waterproofing, gas, electrical, plumbing, windows, AC mounting: the "
        "engineering department reviews the application before approval.",
    )
    forbidden = fields.Boolean(
        help="Work that is never allowed (load-bearing structure, façade changes…): an "
        "application that contains it is refused with the reason."
    )
    forbidden_reason = fields.Char(translate=True)
    document_type_ids = fields.Many2many(
        "cs.property.renovation.document.type",
        "cs_property_renovation_scope_doc_rel",
        "scope_id",
        "type_id",
        string="Required Documents",
    )
    extra_deposit = fields.Float(
        string="Extra Deposit",
        digits="Product Price",
        help="Added to the estate's base deposit when the scope contains this item.",
    )
    active = fields.Boolean(default=True)
