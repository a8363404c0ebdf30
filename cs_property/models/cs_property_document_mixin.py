from odoo import fields, models


class CsPropertyDocumentMixin(models.AbstractModel):
    """A record attached to a document of any model (an SLA clock, a callback),
    with the document fetched in batch rather than one browse per record."""

    _name = "cs.property.document.mixin"
    _description = "Attached to a Document"

    res_model = fields.Char(string="Document Model", required=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", required=True, index=True
    )

    _res_idx = models.Index("(res_model, res_id)")

    def _group_by_document(self):
        """``{document: records of self attached to it}``: one browse per model,
        so the documents of a whole batch are read together."""
        result = {}
        for model, records in self.filtered("res_model").grouped("res_model").items():
            documents = {
                document.id: document
                for document in self.env[model].browse(set(records.mapped("res_id")))
            }
            for res_id, attached in records.grouped("res_id").items():
                if res_id in documents:
                    result[documents[res_id]] = attached
        return result
