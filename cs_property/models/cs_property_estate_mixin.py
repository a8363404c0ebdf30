from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Location fields a record may carry besides its estate; each must point into
# the record's own estate (a ticket of estate A cannot name a unit of estate B).
_LOCATION_FIELDS = ("building_id", "unit_id", "facility_id")


class CsPropertyEstateMixin(models.AbstractModel):
    """Anything that belongs to one estate: gives the estate, the company it
    follows, a sensible default for staff working in a single estate, and the
    guarantee that building / unit / facility links stay inside that estate.

    Record rules of every estate-bound model filter on ``estate_id``, so the
    field is indexed and always set.
    """

    _name = "cs.property.estate.mixin"
    _description = "Estate-bound record"

    estate_id = fields.Many2one(
        "cs.property.estate",
        string="Estate",
        required=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self._default_estate_id(),
    )
    company_id = fields.Many2one(
        related="estate_id.company_id",
        store=True,
        index=True,
        precompute=True,
    )

    @api.model
    def _default_estate_id(self):
        estates = self.env.user.property_estate_ids.filtered(
            lambda e: e.company_id in self.env.companies
        )
        return estates if len(estates) == 1 else False

    def _cs_location_fields(self):
        """Hook: names of the location fields to keep inside the estate."""
        return [name for name in _LOCATION_FIELDS if name in self._fields]

    @api.constrains(lambda self: ["estate_id", *self._cs_location_fields()])
    def _check_location_in_estate(self):
        for record in self:
            for name in record._cs_location_fields():
                location = record[name]
                if location and location.estate_id != record.estate_id:
                    raise ValidationError(
                        self.env._(
                            "%(field)s “%(location)s” belongs to estate “%(other)s”, "
                            "not to estate “%(estate)s” of this record.",
                            field=record._fields[name].get_description(self.env)["string"],
                            location=location.display_name,
                            other=location.estate_id.display_name,
                            estate=record.estate_id.display_name,
                        )
                    )
