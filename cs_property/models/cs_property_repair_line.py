from odoo import api, fields, models
from odoo.exceptions import UserError


class CsPropertyRepairLine(models.Model):
    """Labour, material or service charged on a service order."""

    _name = "cs.property.repair.line"
    _description = "Service Order Line"
    _order = "repair_id, sequence, id"

    repair_id = fields.Many2one("cs.property.repair", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="repair_id.company_id", store=True)
    currency_id = fields.Many2one(related="repair_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        required=True,
        domain="[('sale_ok', '=', True), ('categ_id', 'child_of', service_categ_id), "
        "('company_id', 'in', (False, company_id))]",
    )
    service_categ_id = fields.Many2one(
        "product.category",
        string="Paid-Service Category",
        compute="_compute_service_categ_id",
        help="The paid-service price list (专项服务项目及收费标准): the products offered "
        "on orders.",
    )
    name = fields.Char(
        string="Description",
        compute="_compute_from_product",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)
    price_unit = fields.Float(
        string="Unit Price",
        compute="_compute_from_product",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Price",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        compute="_compute_from_product",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('type_tax_use', '=', 'sale')]",
    )
    price_subtotal = fields.Monetary(compute="_compute_amounts", store=True)
    price_total = fields.Monetary(compute="_compute_amounts", store=True)

    @api.depends_context("uid")
    def _compute_service_categ_id(self):
        self.service_categ_id = self.env.ref(
            "cs_property.product_category_paid_services", raise_if_not_found=False
        )

    @api.depends("product_id")
    def _compute_from_product(self):
        for line in self:
            product = line.product_id.with_company(line.company_id)
            line.name = product.display_name
            line.price_unit = product.lst_price
            line.tax_ids = product.taxes_id._filter_taxes_by_company(line.company_id)

    @api.depends("quantity", "price_unit", "tax_ids")
    def _compute_amounts(self):
        for line in self:
            taxes = line.tax_ids.compute_all(
                line.price_unit, line.currency_id, line.quantity, product=line.product_id
            )
            line.price_subtotal = taxes["total_excluded"]
            line.price_total = taxes["total_included"]

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_price_rights()
        lines.repair_id._check_not_invoiced()
        return lines

    def write(self, vals):
        self.repair_id._check_not_invoiced()
        result = super().write(vals)
        if {"price_unit", "tax_ids", "product_id"} & set(vals):
            self._check_price_rights()
        return result

    def _check_price_rights(self):
        """Technicians record materials at list price; only agents set prices."""
        if self.env.su or self.env.user.has_group("cs_property.group_property_agent"):
            return
        for line in self:
            product = line.product_id.with_company(line.company_id)
            if line.price_unit != product.lst_price:
                raise UserError(
                    self.env._(
                        "Only customer service may change prices: %(product)s is charged "
                        "at its list price %(price)s.",
                        product=product.display_name,
                        price=product.lst_price,
                    )
                )
