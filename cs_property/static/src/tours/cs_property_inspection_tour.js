import { registry } from "@web/core/registry";

import { button, patient } from "./cs_property_tour_utils";

/*
 * tests/test_inspection_tour.py opens a planned inspection of the QA
 * department's team (质管部) as its member 孙强, who takes it by starting it:
 * the items show under their area headings.
 */
registry.category("web_tour.tours").add("cs_property_inspection_team_sections", {
    steps: () =>
        patient([
            {
                content: "Area headings before starting",
                trigger: ".o_field_widget[name=line_ids] tr.o_is_line_section",
            },
            ...button("action_start"),
            {
                content: "Heading row spans the row, its items follow",
                trigger:
                    ".o_field_widget[name=line_ids] tr.o_is_line_section:first td[name=name]:contains(二次供水)",
            },
            {
                content: "An item row of the area is answerable",
                trigger: ".o_field_widget[name=line_ids] tr.o_data_row:not(.o_is_line_section) td[name=result]",
            },
        ]),
});
