import { registry } from "@web/core/registry";

import { button, choose, page, patient, pick, pickFirst, save } from "./cs_property_tour_utils";

const tours = registry.category("web_tour.tours");

/*
 * The test (tests/test_tour.py) prepares unit "9901" of 翠湖花园, whose owner
 * 导览业主 is its contact, and runs these tours as the demo staff in Chinese.
 */

// Complaint, reception to proposal: received, assessed, solution proposed.
tours.add("cs_property_complaint_reception", {
    steps: () =>
        patient([
            { content: "New complaint form", trigger: ".o_form_view .o_field_widget[name=unit_id]" },
            ...pick("estate_id", "翠湖"),
            ...pick("unit_id", "9901"),
            {
                content: "The unit's contact is proposed as the customer",
                trigger: ".o_field_widget[name=partner_id] input:value(/导览业主/)",
            },
            // engineering / repair
            ...choose("complaint_type", 0),
            ...pickFirst("category_id"),
            {
                content: "What the customer complains about",
                trigger: ".o_field_widget[name=description] .odoo-editor-editable",
                run: "editor 导览：卫生间漏水到楼下",
            },
            ...pick("team_id", "工程维修组"),
            {
                content: "Handling deadline in three days",
                trigger: ".o_field_widget[name=deadline] input",
                run: "edit +3d",
            },
            { content: "Confirm the date", trigger: ".o_field_widget[name=deadline] input", run: "press Enter" },
            ...save(),
            ...button("action_assess"),
            page("handling"),
            {
                content: "Solution",
                trigger: ".o_field_widget[name=solution] .odoo-editor-editable",
                run: "editor 更换卫生间防水层",
            },
            ...save(),
            ...button("action_propose"),
        ]),
});

// Complaint, the supervisor's part: the proposed solution is approved.
tours.add("cs_property_complaint_approval", {
    steps: () =>
        patient([
            ...button("action_approve"),
        ]),
});

// Complaint, approved by the supervisor: agreed, accepted, called back, closed.
tours.add("cs_property_complaint_closing", {
    steps: () =>
        patient([
            ...button("action_start"),
            page("handling"),
            // recorded phone acceptance
            ...choose("acceptance_method", 1),
            ...save(),
            ...button("action_done"),
            { content: "Log the callback", trigger: ".o_form_statusbar button[name=action_log_callback]", run: "click" },
            // satisfied
            ...choose("satisfaction", 1, ".modal"),
            { content: "Save the callback", trigger: ".modal .o_form_button_save", run: "click" },
            { content: "Dialog closed", trigger: "body:not(:has(.modal .o_form_view))" },
            ...button("action_close"),
        ]),
});

// Paid service order, reception to dispatch.
tours.add("cs_property_repair_reception", {
    steps: () =>
        patient([
            { content: "New service order form", trigger: ".o_form_view .o_field_widget[name=unit_id]" },
            ...pick("estate_id", "翠湖"),
            ...pick("unit_id", "9901"),
            {
                content: "The unit's contact is proposed as the customer",
                trigger: ".o_field_widget[name=partner_id] input:value(/导览业主/)",
            },
            ...pick("category_id", "导览维修"),
            {
                content: "Fault",
                trigger: ".o_field_widget[name=description] textarea",
                run: "edit 导览：厨房水龙头漏水",
            },
            ...pick("team_id", "工程维修组"),
            page("charges"),
            {
                content: "The category's service is proposed as a charge",
                trigger: ".o_field_widget[name=line_ids] .o_data_row",
            },
            ...save(),
            ...button("action_consent_given"),
            ...button("action_dispatch"),
        ]),
});

// Paid service order, finished: invoiced.
tours.add("cs_property_repair_invoice", {
    steps: () =>
        patient([
            ...button("action_create_invoice"),
        ]),
});

// The technician's phone: My Orders, open the job, arrive, customer's word, done.
tours.add("cs_property_technician_phone", {
    steps: () =>
        patient([
            {
                content: "Open the job from My Orders",
                trigger: ".o_kanban_record:contains(9901)",
                run: "click",
            },
            ...button("action_arrive"),
            page("signoff"),
            {
                content: "Customer's comment",
                trigger: ".o_field_widget[name=customer_comment] textarea",
                run: "edit 修好了，满意",
            },
            ...save(),
            ...button("action_done"),
        ]),
});
