from collections import defaultdict

from odoo.tests import TransactionCase, tagged

# Extra models of other apps whose screens carry fields of the add-on.
_EXTENDED_MODELS = ("res.partner", "res.users", "account.move")


@tagged("post_install", "-at_install")
class TestLabels(TransactionCase):
    """Chinese screens must read right: a label names one thing per model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["cs_property"], ["zh_CN"], overwrite=True)
        cls.env_zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def _own_models(self):
        return [
            model
            for name, model in self.env_zh.registry.items()
            if name.startswith("cs.property.") and not model._abstract and not model._transient
        ]

    @staticmethod
    def _ours(field):
        return field._module == "cs_property"

    def _field_labels(self, model):
        labels = defaultdict(list)
        for name, field in model._fields.items():
            if name in ("display_name", "id"):
                continue
            label = field.get_description(self.env_zh, ["string"])["string"]
            labels[label].append(field)
        return labels

    def test_fields_of_a_model_have_distinct_labels(self):
        clashes = []
        for model in self._own_models():
            for label, fields in self._field_labels(model).items():
                # Homonyms among Odoo's own inherited fields (mail, activities)
                # are Odoo's translations, not ours to rename.
                if len(fields) > 1 and any(self._ours(f) for f in fields):
                    names = sorted(f.name for f in fields)
                    clashes.append(f"{model._name}: {label} = {names}")
        self.assertFalse(clashes, "fields sharing a zh_CN label:\n" + "\n".join(clashes))

    def test_values_of_a_selection_have_distinct_labels(self):
        clashes = []
        for model in [*self._own_models(), *(self.env_zh[m] for m in _EXTENDED_MODELS)]:
            for name, field in model._fields.items():
                if field.type != "selection" or not self._ours(field):
                    continue
                labels = [label for _key, label in field._description_selection(self.env_zh)]
                repeated = {label for label in labels if labels.count(label) > 1}
                if repeated:
                    clashes.append(f"{model._name}.{name}: {sorted(repeated)}")
        self.assertFalse(clashes, "selection values sharing a zh_CN label:\n" + "\n".join(clashes))

    def test_states_and_fields_have_distinct_labels(self):
        """The status bar says 已受理 while the field beside it says 受理时间."""
        clashes = []
        for model in self._own_models():
            state = model._fields.get("state")
            if not state or state.type != "selection":
                continue
            field_labels = self._field_labels(model)
            for key, label in state._description_selection(self.env_zh):
                if label in field_labels:
                    names = [f.name for f in field_labels[label]]
                    clashes.append(f"{model._name}: state {key} = field {names}")
        self.assertFalse(clashes, "states named like a field in zh_CN:\n" + "\n".join(clashes))

    def test_every_selection_value_is_chinese(self):
        """Selections of the add-on never show English (or keys) on a Chinese screen,
        including those whose values come from another model (team types)."""
        english = []
        for model in [*self._own_models(), *(self.env_zh[m] for m in _EXTENDED_MODELS)]:
            for name, field in model._fields.items():
                if field.type != "selection" or not self._ours(field):
                    continue
                for key, label in field._description_selection(self.env_zh):
                    if label.isascii():
                        english.append(f"{model._name}.{name}: {key} = {label}")
        self.assertFalse(english, "selection values left in English:\n" + "\n".join(english))

    def test_named_labels(self):
        Complaint = self.env_zh["cs.property.complaint"]
        Repair = self.env_zh["cs.property.repair"]

        def string(model, name):
            return model._fields[name].get_description(self.env_zh, ["string"])["string"]

        states = dict(Complaint._fields["state"]._description_selection(self.env_zh))
        self.assertEqual(string(Complaint, "received_at"), "受理时间")
        self.assertEqual(states["new"], "已受理")
        self.assertNotEqual(string(Complaint, "complaint_type"), string(Complaint, "category_id"))
        self.assertEqual(string(Complaint, "description"), "投诉内容")
        self.assertEqual(string(Repair, "description"), "故障描述")
        line = self.env_zh["cs.property.repair.line"]
        self.assertNotEqual(string(line, "name"), "投诉内容")
        root = self.env.ref("cs_property.menu_cs_property_root")
        self.assertEqual(root.with_context(lang="zh_CN").name, "物业客服")
