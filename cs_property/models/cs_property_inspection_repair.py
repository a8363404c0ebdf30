from odoo import api, fields, models
from odoo.exceptions import UserError


class CsPropertyInspectionLine(models.Model):
    """The one-click repair order of a failed item: category and team from the
    item's service, place from its common area, raised by the QA inspector
    who found the fault through this narrow path (inspectors get no right to
    create service orders otherwise)."""

    _inherit = "cs.property.inspection.line"

    def action_create_repair(self):
        """One click: a service order for what the inspector found broken."""
        self.ensure_one()
        return self._create_repair(self.nonconformity_id)

    def _repair_category(self):
        """The repair category handled by the item's service (the team type),
        first by sequence; never just "the first category"."""
        self.ensure_one()
        category = self.env["cs.property.repair.category"].search(
            [("team_type", "=", self.service)], limit=1
        )
        if not category:
            services = dict(self._fields["service"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Item “%(item)s”: no repair category is handled by the “%(service)s” "
                    "team; a manager adds one first.",
                    item=f"{self.area} / {self.name}",
                    service=services.get(self.service, self.service),
                )
            )
        return category

    def _check_may_raise_repair(self, notice):
        """The QA inspector who found the fault (of the inspection or of its
        notice), the customer service or a manager raises the order."""
        user = self.env.user
        if self.env.su or user.has_group("cs_property.group_property_agent"):
            return True
        if user in (self.inspection_id.inspector_id | notice.inspector_id):
            return True
        raise UserError(
            self.env._(
                "Item “%(item)s”: only the QA inspector who found the fault, the customer "
                "service or a manager raises its repair order.",
                item=f"{self.area} / {self.name}",
            )
        )

    def _create_repair(self, notice):
        self.ensure_one()
        if self.result != "fail":
            raise UserError(self.env._("Only a failed item raises a repair order."))
        self._check_may_raise_repair(notice)
        if self.repair_id:
            raise UserError(
                self.env._("Repair order %(name)s already exists.", name=self.repair_id.sudo().name)
            )
        if not self.facility_id:
            raise UserError(
                self.env._(
                    "Item “%(item)s”: say which common area needs the repair first.",
                    item=f"{self.area} / {self.name}",
                )
            )
        category = self._repair_category()
        team = self.estate_id._team_of_type(self.service)
        # the narrow path: the order is created for the inspector who may raise
        # it (checked above), not by giving inspectors the right to create orders
        repair = (
            self.env["cs.property.repair"]
            .sudo()
            .create(
                {
                    "estate_id": self.estate_id.id,
                    "facility_id": self.facility_id.id,
                    "category_id": category.id,
                    "team_id": team.id,
                    "channel": "patrol",
                    "nonconformity_id": notice.id,
                    "description": f"{self.area} / {self.name}: "
                    f"{self.comment or self.requirement or ''}",
                }
            )
        )
        self.sudo().repair_id = repair
        if notice:
            notice.message_post(
                body=self.env._("Repair order %(name)s raised.", name=repair.name),
                subtype_xmlid="mail.mt_note",
            )
        repair = repair.sudo(False)
        if repair.has_access("read"):
            return {
                "type": "ir.actions.act_window",
                "res_model": "cs.property.repair",
                "res_id": repair.id,
                "view_mode": "form",
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Repair order raised"),
                "message": self.env._(
                    "Repair order %(name)s goes to %(team)s.",
                    name=repair.sudo().name,
                    team=team.display_name or category.display_name,
                ),
                "type": "success",
                "sticky": False,
            },
        }


class CsPropertyRepair(models.Model):
    """A service order raised from a non-conformity reports its completion
    back to the rectification."""

    _inherit = "cs.property.repair"

    nonconformity_id = fields.Many2one(
        "cs.property.nonconformity",
        string="Non-conformity",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )

    def action_done(self):
        result = super().action_done()
        self.filtered("nonconformity_id").nonconformity_id._on_repair_done(self)
        return result


class CsPropertyNonconformity(models.Model):
    _inherit = "cs.property.nonconformity"

    repair_state = fields.Selection(
        related="repair_id.state", string="Repair Order Status", related_sudo=True
    )

    def action_create_repair(self):
        """One click from the notice: the service order of its failed item."""
        self.ensure_one()
        if not self.line_id:
            raise UserError(
                self.env._(
                    "Non-conformity %(name)s has no inspection item to repair.",
                    name=self.display_name,
                )
            )
        return self.line_id._create_repair(self)

    @api.model
    def _repair_summary(self, order):
        return order.work_done or order.description or ""

    def _on_repair_done(self, orders):
        """The order is done: its work and photos become the rectification's
        evidence on the notice, and the team is told to report it."""
        for notice in self.sudo():  # the technician finishing the order answers no notice
            order = orders.filtered(lambda o, n=notice: o.nonconformity_id == n)[:1]
            if not order:
                continue
            vals = {}
            if not notice.rectification_note:
                vals["rectification_note"] = notice.env._(
                    "Repaired by service order %(name)s: %(work)s",
                    name=order.name,
                    work=self._repair_summary(order),
                )
            if order.photo_after_ids:
                vals["rectification_photo_ids"] = [
                    fields.Command.link(photo.id) for photo in order.photo_after_ids
                ]
            if vals and notice.state in ("issued", "acknowledged"):
                notice.write(vals)
            notice.message_post(
                body=notice.env._("Repair order %(name)s is done.", name=order.name),
                subtype_xmlid="mail.mt_note",
            )
        return True
