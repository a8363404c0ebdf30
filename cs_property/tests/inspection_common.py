import base64

from odoo import Command

from .common import CsPropertyCase

# a 1×1 PNG: what a phone camera or the signature pad would send
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
)


class InspectionCase(CsPropertyCase):
    """Estate A with a cleaning team, a small standards library and a template."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Standard = cls.env["cs.property.inspection.standard"]
        cls.std_floor = Standard.create(
            {
                "service": "cleaning",
                "area": "大堂",
                "name": "地面",
                "requirement": "无尘土、无废弃物",
                "weight": 2,
            }
        )
        cls.std_bin = Standard.create(
            {
                "service": "cleaning",
                "area": "大堂",
                "name": "垃圾箱",
                "requirement": "无污迹、无异味",
                "check_type": "photo",
            }
        )
        cls.std_temp = Standard.create(
            {
                "service": "engineering",
                "area": "配电室",
                "name": "室内温度",
                "requirement": "≤35℃",
                "check_type": "measure",
                "min_value": 0,
                "max_value": 35,
                "uom": "℃",
            }
        )
        cls.template = cls.env["cs.property.inspection.template"].create(
            {
                "name": "Daily",
                "standard_ids": [Command.set((cls.std_floor | cls.std_bin | cls.std_temp).ids)],
            }
        )
        cls.team_leader = cls.user_technician
        cls.team_member = cls.user_agent
        cls.team_cleaning = cls.env["cs.property.team"].create(
            {
                "name": "保洁部",
                "estate_id": cls.estate_a.id,
                "team_type": "cleaning",
                "leader_id": cls.team_leader.id,
                "member_ids": [Command.create({"user_id": cls.team_member.id})],
            }
        )
        cls.team_engineering = cls.env["cs.property.team"].create(
            {"name": "工程部", "estate_id": cls.estate_a.id, "team_type": "engineering"}
        )
        cls.facility_a = cls.env["cs.property.facility"].create(
            {"name": "大堂", "estate_id": cls.estate_a.id, "facility_type": "lobby"}
        )
        cls.user_inspector_2 = cls.env["res.users"].create(
            {
                "name": "inspector2",
                "login": "inspector2",
                "group_ids": [
                    Command.set([cls.env.ref("cs_property.group_property_inspector").id])
                ],
            }
        )
        cls.estate_a.user_ids = [Command.link(cls.user_inspector_2.id)]

    def _plan(self, **vals):
        return self.env["cs.property.inspection.plan"].create(
            {
                "name": "Daily A",
                "estate_id": self.estate_a.id,
                "template_id": self.template.id,
                "inspector_id": self.user_inspector.id,
                "recurrence_start": "2026-01-01",
                **vals,
            }
        )

    def _inspection(self, **vals):
        return self.env["cs.property.inspection"].create(
            {
                "estate_id": self.estate_a.id,
                "template_id": self.template.id,
                "inspector_id": self.user_inspector.id,
                "date_due": "2026-03-02",
                **vals,
            }
        )

    def _items(self, inspection):
        """The answerable items (without the area headings)."""
        return inspection.line_ids.filtered(lambda ln: not ln.display_type)

    def _answer(self, inspection, failed=()):
        """Answer every item; ``failed``: standards that fail (with a comment)."""
        for line in inspection.line_ids.filtered(lambda ln: not ln.display_type):
            vals = {"result": "fail" if line.standard_id in failed else "pass"}
            if line.check_type == "photo":
                vals["photo"] = PIXEL
            if line.check_type == "measure":
                vals = {"value": 40 if line.standard_id in failed else 25}
            if line.standard_id in failed:
                vals["comment"] = "不合格"
            line.write(vals)
        inspection.signature = PIXEL
        inspection.signed_by = "组长"
