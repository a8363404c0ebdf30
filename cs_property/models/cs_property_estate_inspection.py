from dateutil.relativedelta import relativedelta

from odoo import fields, models

from .cs_property_workflow_mixin import report_action_for_rpc


class CsPropertyEstate(models.Model):
    _inherit = "cs.property.estate"

    def _inspection_month_stats(self, month=None):
        """Monthly QA figures of these estates: a fixed number of grouped
        queries whatever the number of estates or records."""
        start = fields.Date.to_date(month or fields.Date.context_today(self)).replace(day=1)
        end = start + relativedelta(months=1, days=-1)
        Inspection = self.env["cs.property.inspection"]
        Line = self.env["cs.property.inspection.line"]
        Notice = self.env["cs.property.nonconformity"]
        # the figures come from finished inspections only: their items, answers
        # and score are locked, so a month's figures do not change afterwards
        in_month = [("date_due", ">=", start), ("date_due", "<=", end)]
        by_state = Inspection._read_group(
            [("estate_id", "in", self.ids), *in_month], ["estate_id", "state"], ["__count"]
        )
        late = dict(
            Inspection._read_group(
                [("estate_id", "in", self.ids), ("is_late", "=", True), *in_month],
                ["estate_id"],
                ["__count"],
            )
        )
        scores = Line._read_group(
            [
                ("estate_id", "in", self.ids),
                ("inspection_id.state", "=", "done"),
                ("display_type", "=", False),
                ("result", "in", ("pass", "fail")),
                *in_month,
            ],
            ["estate_id", "service", "result"],
            ["weight:sum"],
        )
        # findings are dated by the inspection they come from
        found = [("date_found", ">=", start), ("date_found", "<=", end)]
        notices = Notice._read_group(
            [("estate_id", "in", self.ids), *found],
            ["estate_id", "service", "team_id", "severity"],
            ["__count"],
        )
        settled = Notice._read_group(
            [("estate_id", "in", self.ids), ("severity", "!=", "minor"), *found],
            ["estate_id", "state", "on_time"],
            ["__count", "reinspection_count:sum", "reinspection_fail_count:sum"],
        )
        # open and past its deadline: not on time (whenever the report is printed)
        overdue = dict(
            Notice._read_group(
                [
                    ("estate_id", "in", self.ids),
                    ("severity", "!=", "minor"),
                    ("is_overdue", "=", True),
                    *found,
                ],
                ["estate_id"],
                ["__count"],
            )
        )
        repeats = dict(
            Notice._read_group(
                [("estate_id", "in", self.ids), ("is_repeat", "=", True), *found],
                ["estate_id"],
                ["__count"],
            )
        )
        # ranked among every estate of the company, whoever prints it: a
        # read-only lookup of finished (locked) inspections' scores
        weekly = Inspection.sudo()._read_group(
            [
                ("company_id", "in", self.company_id.ids),
                ("kind", "=", "company"),
                ("state", "=", "done"),
                *in_month,
            ],
            ["company_id", "estate_id"],
            ["score:avg"],
        )
        rankings = {}
        for company, estate, _score in sorted(weekly, key=lambda row: -row[2]):
            rankings.setdefault(company.id, []).append(estate.id)
        services = dict(Line._fields["service"]._description_selection(self.env))
        severities = dict(Notice._fields["severity"]._description_selection(self.env))
        result = {}
        for estate in self:
            states = {state: count for e, state, count in by_state if e == estate}
            planned = sum(c for s, c in states.items() if s != "cancelled")
            service_scores = {}
            for e, service, res, weight in scores:
                if e == estate:
                    row = service_scores.setdefault(service, [0.0, 0.0])
                    row[0 if res == "pass" else 1] += weight
            closed = [r for r in settled if r[0] == estate and r[1] == "closed"]
            closed_count = sum(r[3] for r in closed)
            late_open = overdue.get(estate, 0)
            reinspections = sum(r[4] for r in settled if r[0] == estate)
            reinspection_fails = sum(r[5] for r in settled if r[0] == estate)
            ranking = rankings.get(estate.company_id.id, [])
            rank = ranking.index(estate.id) + 1 if estate.id in ranking else False
            result[estate.id] = {
                "month": start,
                "planned": planned,
                "done": states.get("done", 0),
                "missed": states.get("missed", 0),
                "late": late.get(estate, 0),
                "scores": [
                    (services.get(s, s), 100.0 * p / (p + f) if p + f else 0.0)
                    for s, (p, f) in sorted(service_scores.items())
                ],
                "notices": [
                    (services.get(s, s), team.display_name or "-", severities.get(sev, sev), count)
                    for e, s, team, sev, count in notices
                    if e == estate
                ],
                "late_open": late_open,
                "on_time_rate": (
                    100.0 * sum(r[3] for r in closed if r[2]) / (closed_count + late_open)
                    if closed_count + late_open
                    else 0.0
                ),
                "reinspection_pass_rate": (
                    100.0 * (reinspections - reinspection_fails) / reinspections
                    if reinspections
                    else 0.0
                ),
                "repeats": repeats.get(estate, 0),
                "weekly_rank": rank,
                "weekly_ranked": len(ranking),
            }
        return result

    def action_print_qa_report(self, month=None):
        """The monthly QA report (月度品质统计) of these estates."""
        month = fields.Date.to_string(
            fields.Date.to_date(month or fields.Date.context_today(self)).replace(day=1)
        )
        return report_action_for_rpc(
            self.env.ref("cs_property.action_report_inspection_month"), self, {"month": month}
        )
