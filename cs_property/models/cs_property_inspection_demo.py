import random
from datetime import timedelta

from odoo import Command, api, fields, models

_DEMO_PHOTO = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGAAAAACAAHiIbwzAAAAAElFTkSuQmCC"
)


class CsPropertyInspectionPlan(models.Model):
    _inherit = "cs.property.inspection.plan"

    @api.model
    def _demo_play_history(self, plans, days=None, seed=7):
        """Demo: generate the last ``days`` days of ``plans`` with the real
        generation method and play them through the real actions — most done
        (some failed items), a few missed, notices left in every state. The
        history reaches at least the second half of last month, so last
        month's QA report of the demo has figures whatever the install day."""
        plans = self.browse(plans)
        today = fields.Date.context_today(self)
        last_month_mid = (today.replace(day=1) - timedelta(days=1)).replace(day=15)
        days = days or max(30, (today - last_month_mid).days)
        plans.write({"recurrence_start": today - timedelta(days=days)})
        plans._recurrence_generate()
        rng = random.Random(seed)
        past = plans.inspection_ids.filtered(lambda i: i.date_due < today).sorted("date_due")
        for index, inspection in enumerate(past):
            if index % 9 == 4:
                continue  # left undone: flagged missed below
            # now and then done two days late (补检): the lateness is recorded
            late = 2 if index % 9 == 6 and inspection.date_due + timedelta(days=2) <= today else 0
            dated = inspection.with_context(
                cs_inspection_date=inspection.date_due + timedelta(days=late)
            )
            team = inspection.inspector_team_id
            if team and not inspection.inspector_id:
                # the team leader takes the team's inspection by starting it
                dated = dated.with_user(team.leader_id).sudo()
            dated.action_start()
            items = inspection.line_ids.filtered(lambda ln: not ln.display_type)
            failing = rng.sample(items.ids, k=rng.choice((0, 0, 1, 1, 2)))
            for line in items:
                vals = {"result": "fail" if line.id in failing else "pass"}
                if line.check_type == "measure":
                    vals = {"value": (line.max_value + 1) if line.id in failing else line.min_value}
                if line.check_type == "photo" or line.id in failing:
                    vals["photo"] = _DEMO_PHOTO
                if line.id in failing:
                    vals["comment"] = "现场检查不合格"
                    vals["severity"] = rng.choice(("minor", "general", "general", "serious"))
                line.write(vals)
            inspection.write({"signature": _DEMO_PHOTO, "signed_by": "班组长"})
            dated.action_done()
        plans._recurrence_flag_missed()
        self._demo_play_notices(plans.inspection_ids.nonconformity_ids)
        return True

    @api.model
    def _demo_play_notices(self, notices):
        """Walk the demo notices to every state of the loop."""
        photo = self.env["ir.attachment"].create({"name": "整改后.png", "datas": _DEMO_PHOTO})
        open_notices = notices.filtered(lambda n: n.state == "issued").sorted("id")
        for index, notice in enumerate(open_notices):
            step = index % 6
            if step == 0:
                continue  # issued
            if step == 5:
                notice.action_cancel()
                continue
            notice.action_acknowledge()
            if step == 1:
                continue  # acknowledged
            notice.write(
                {
                    "rectification_photo_ids": [Command.link(photo.id)],
                    "rectification_note": "已整改",
                }
            )
            notice.action_rectified()
            if step == 2:
                continue  # rectified, waiting for the re-inspection
            inspector = notice.inspector_id
            if step == 4:
                notice.with_user(inspector).action_reinspect_fail()
                continue  # failed re-inspection: back to the team
            # re-inspected the day after the finding, as the paper register says
            notice.with_user(inspector).sudo().with_context(
                cs_inspection_date=fields.Date.to_string(notice.date_found + timedelta(days=1))
            ).action_reinspect_pass()
        return True
