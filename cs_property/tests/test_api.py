import ast
import inspect
import logging
import textwrap

from odoo.addons.rpc.controllers.xmlrpc import OdooMarshaller
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import call_kw

from .common import CsPropertyCase

_logger = logging.getLogger(__name__)

ADDON_PACKAGE = "odoo.addons.cs_property."


def addon_actions(registry):
    """{(model, method name): function} of every ``action_*`` the add-on
    defines, on its own models and on the models it extends. Found in the
    registry, so a model added later is checked without editing this test."""
    found = {}
    for model_name in sorted(registry):
        for klass in registry[model_name].mro():
            if not klass.__module__.startswith(ADDON_PACKAGE):
                continue
            for name, function in vars(klass).items():
                if name.startswith("action_") and inspect.isfunction(function):
                    found.setdefault((model_name, name), function)
    return found


def _terminates(statements):
    """True when no path through ``statements`` runs past their end."""
    for statement in statements:
        if isinstance(statement, (ast.Return, ast.Raise)):
            return True
        if (
            isinstance(statement, ast.If)
            and _terminates(statement.body)
            and _terminates(statement.orelse)
        ):
            return True
        if isinstance(statement, (ast.With, ast.AsyncWith)) and _terminates(statement.body):
            return True
        if isinstance(statement, ast.Try):
            if statement.finalbody and _terminates(statement.finalbody):
                return True
            if _terminates(statement.body + statement.orelse) and all(
                _terminates(handler.body) for handler in statement.handlers
            ):
                return True
    return False


def none_returning_paths(function):
    """Why ``function`` can answer None (empty list: it never does)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    definition = tree.body[0]
    problems = []
    if not _terminates(definition.body):
        problems.append("a path reaches the end of the method without a return")
    nodes = list(ast.iter_child_nodes(definition))
    while nodes:
        node = nodes.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # their returns are not the button's
        value = getattr(node, "value", False) if isinstance(node, ast.Return) else False
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            problems.append(f"line {node.lineno}: returns None")
        nodes.extend(ast.iter_child_nodes(node))
    return problems


class TestApi(CsPropertyCase):
    """Buttons are public API: XML-RPC clients cannot marshal None, so every
    ``action_*`` must answer True or an action."""

    def test_action_methods_never_return_none(self):
        actions = addon_actions(self.registry)
        self.assertIn(("cs.property.complaint", "action_assess"), actions)
        self.assertIn(("cs.property.repair", "action_dispatch"), actions)
        problems = {
            f"{model}.{name}": paths
            for (model, name), function in actions.items()
            if (paths := none_returning_paths(function))
        }
        self.assertFalse(problems, f"buttons that can return None: {problems}")

    def test_static_check_sees_every_path(self):
        """The checker itself: a missing else, a bare return, a handled try."""
        self.assertEqual(
            none_returning_paths(_sample_missing_else),
            ["a path reaches the end of the method without a return"],
        )
        self.assertIn("returns None", " ".join(none_returning_paths(_sample_bare_return)))
        self.assertFalse(none_returning_paths(_sample_try_raise))

    def _records_per_state(self, model):
        """One record of each state (or a few records): every button meets
        the states it accepts and the ones it refuses."""
        Model = self.env[model]
        records = Model.search([], order="id desc", limit=200)
        if "state" not in Model._fields:
            return list(records[:3])
        per_state = {}
        for record in records:
            per_state.setdefault(record.state, record)
        return list(per_state.values())

    def test_every_action_answers_over_xmlrpc(self):
        """Called as the RPC layer calls them (``call_kw``), on records in
        every state, each in a savepoint: the buttons that run answer with
        something XML-RPC marshals (the marshaller of Odoo's XML-RPC
        endpoint, which refuses None); the others refuse with a business
        error."""
        self._prepare_records()
        actions = addon_actions(self.registry)
        by_model = {}
        for model, name in actions:
            Model = self.env[model]
            if Model._abstract:
                continue
            by_model.setdefault(model, []).append(name)
        manager = self.env.ref("cs_property.demo_user_manager", raise_if_not_found=False)
        manager = manager or self.user_manager
        ran, refused, skipped = set(), set(), set()
        for model, names in sorted(by_model.items()):
            records = self._records_per_state(model)
            if not records:
                skipped.update(f"{model}.{name}" for name in names)
                continue
            for name in names:
                function = actions[model, name]
                required = [
                    p
                    for p in list(inspect.signature(function).parameters.values())[1:]
                    if p.default is inspect.Parameter.empty
                    and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                ]
                if required:
                    skipped.add(f"{model}.{name}")
                    continue
                for record in records:
                    Model = self.env[model].with_user(manager)
                    try:
                        with self.env.cr.savepoint():
                            result = call_kw(Model, name, [record.ids], {})
                            self.env.flush_all()
                            raise _RollBack(result)
                    except _RollBack as done:
                        result = done.result
                    except (UserError, ValidationError):
                        refused.add(f"{model}.{name}")
                        continue
                    finally:
                        self.env.invalidate_all()
                    ran.add(f"{model}.{name}")
                    with self.subTest(action=f"{model}.{name}", record=record.display_name):
                        self.assertIsNotNone(result)
                        # what /xmlrpc/2/object answers with: None is refused
                        OdooMarshaller(allow_none=False).dumps((result,))
        _logger.info(
            "action_* over RPC: %s ran, %s only refused, %s not exercised (%s)",
            len(ran),
            len(refused - ran),
            len(skipped),
            ", ".join(sorted(skipped)),
        )
        for core in (
            "cs.property.complaint.action_assess",
            "cs.property.complaint.action_cancel",
            "cs.property.repair.action_dispatch",
            "cs.property.repair.action_cancel",
        ):
            self.assertIn(core, ran)
        self.assertGreaterEqual(len(ran), 20)

    def _prepare_records(self):
        """Records of the test estate in the states the buttons need."""
        Complaint = self.env["cs.property.complaint"]
        category = self.env["cs.property.complaint.category"].search([], limit=1)
        team = self.env["cs.property.team"].create(
            {
                "name": "Service desk",
                "estate_id": self.estate_a.id,
                "team_type": category.team_type or "customer_service",
                "leader_id": self.user_manager.id,
            }
        )
        Complaint.create(
            {
                "estate_id": self.estate_a.id,
                "unit_id": self.unit_a101.id,
                "partner_id": self.owner.id,
                "category_id": category.id,
                "complaint_type": category.complaint_type,
                "description": "Noise at night",
                "team_id": team.id,
                "deadline": "2099-01-01 10:00:00",
                "explanation": "Not ours",
            }
        )
        repair_category = self.env["cs.property.repair.category"].search([], limit=1)
        repair = self.env["cs.property.repair"].create(
            {
                "estate_id": self.estate_a.id,
                "facility_id": self.env["cs.property.facility"]
                .create({"estate_id": self.estate_a.id, "name": "Lobby"})
                .id,
                "category_id": repair_category.id,
                "description": "Lamp broken",
                "team_id": team.id,
                "technician_id": self.user_technician.id,
            }
        )
        self.env["cs.property.repair.reschedule"].create(
            {
                "repair_id": repair.id,
                "reason": "weather",
                "appointment_start": "2099-01-01 09:00:00",
            }
        )


class _RollBack(Exception):
    """Leaves the savepoint with the button's result, rolling its effects back."""

    def __init__(self, result):
        super().__init__()
        self.result = result


def _sample_missing_else(self):
    if self:
        return True


def _sample_bare_return(self):
    if not self:
        return
    return True


def _sample_try_raise(self):
    try:
        return {"type": "ir.actions.act_window_close"}
    except ValueError:
        raise
