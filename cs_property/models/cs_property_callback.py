from odoo import api, fields, models
from odoo.exceptions import ValidationError

SATISFACTION = [
    ("very_satisfied", "Very Satisfied"),
    ("satisfied", "Satisfied"),
    ("not_quite", "Not Quite Satisfied"),
    ("very_dissatisfied", "Very Dissatisfied"),
]
DISSATISFIED = ("not_quite", "very_dissatisfied")
METHODS = [("phone", "Phone"), ("visit", "Visit"), ("sms", "SMS"), ("portal", "Portal")]


class CsPropertyCallback(models.Model):
    """A callback (回访) made to a customer about a record that was handled."""

    _name = "cs.property.callback"
    _description = "Callback"
    _inherit = ["mail.thread", "cs.property.document.mixin"]
    _order = "date desc, id desc"

    res_model = fields.Char(readonly=True)
    record_name = fields.Char(compute="_compute_record_name", string="About")
    estate_id = fields.Many2one(
        "cs.property.estate", index=True, compute="_compute_location", store=True, precompute=True
    )
    company_id = fields.Many2one(
        "res.company", index=True, compute="_compute_location", store=True, precompute=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    user_id = fields.Many2one(
        "res.users", string="Called by", required=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    method = fields.Selection(METHODS, required=True, default="phone")
    reached = fields.Boolean(
        string="Customer Reached", default=True, help="Unchecked: nobody answered; try again."
    )
    satisfaction = fields.Selection(SATISFACTION, tracking=True)
    score_result = fields.Integer(string="Result (1-5)")
    score_timeliness = fields.Integer(string="Timeliness (1-5)")
    score_attitude = fields.Integer(string="Attitude (1-5)")
    score_average = fields.Float(compute="_compute_scores", store=True, aggregator="avg")
    is_satisfied = fields.Boolean(compute="_compute_scores", store=True, aggregator="bool_or")
    is_dissatisfied = fields.Boolean(compute="_compute_scores", store=True, index=True)
    comment = fields.Text()

    @api.depends("satisfaction", "score_result", "score_timeliness", "score_attitude", "reached")
    def _compute_scores(self):
        for callback in self:
            scores = [
                s
                for s in (
                    callback.score_result,
                    callback.score_timeliness,
                    callback.score_attitude,
                )
                if s
            ]
            callback.score_average = sum(scores) / len(scores) if scores else 0.0
            callback.is_dissatisfied = callback.reached and callback.satisfaction in DISSATISFIED
            callback.is_satisfied = callback.reached and callback.satisfaction in (
                "very_satisfied",
                "satisfied",
            )

    @api.depends("res_model", "res_id")
    def _compute_location(self):
        """Estate and company come from the record called about, for record rules."""
        self.estate_id = False
        self.company_id = self.env.company
        for document, callbacks in self._group_by_document().items():
            callbacks.estate_id = document.estate_id
            callbacks.company_id = document.company_id

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        self.record_name = False
        for document, callbacks in self._group_by_document().items():
            callbacks.record_name = document.display_name

    @api.constrains("score_result", "score_timeliness", "score_attitude", "reached", "satisfaction")
    def _check_scores(self):
        for callback in self:
            for name in ("score_result", "score_timeliness", "score_attitude"):
                if callback[name] and not 1 <= callback[name] <= 5:
                    raise ValidationError(
                        self.env._(
                            "Callback: the score “%(field)s” must be between 1 and 5.",
                            field=callback._fields[name].get_description(self.env)["string"],
                        )
                    )
            if callback.reached and not callback.satisfaction:
                raise ValidationError(
                    self.env._(
                        "Callback: record the customer's satisfaction, or uncheck "
                        "“Customer Reached”."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        callbacks = super().create(vals_list)
        for document, logged in callbacks._group_by_document().items():
            for callback in logged:
                document._callback_logged(callback)
        return callbacks

    def _process_dissatisfaction(self):
        """Called by the automation rule on dissatisfied callbacks."""
        dissatisfied = self.filtered("is_dissatisfied")
        for document, callbacks in dissatisfied._group_by_document().items():
            for callback in callbacks:
                document._on_callback_dissatisfied(callback)
