/**
 * Steps shared by the cs_property tours. Elements are found by field and
 * button names, never by their (translated) text, so the tours run in any
 * language.
 */

/** Type ``text`` in a many2one and choose the suggestion that contains it. */
export function pick(field, text) {
    return [
        {
            content: `Search ${text} in ${field}`,
            trigger: `.o_field_widget[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            content: `Choose ${text}`,
            trigger: `.o_field_widget[name=${field}] .o-autocomplete--dropdown-item a:contains(${text})`,
            run: "click",
        },
    ];
}

/** Choose the first suggestion of a many2one (whatever its translated name). */
export function pickFirst(field) {
    return [
        {
            content: `Open the suggestions of ${field}`,
            trigger: `.o_field_widget[name=${field}] input`,
            run: "click",
        },
        {
            content: `Choose the first ${field}`,
            trigger: `.o_field_widget[name=${field}] .o-autocomplete--dropdown-item:first-child a`,
            run: "click",
        },
    ];
}

/**
 * Choose the ``index``-th value (selection order) of a selection field:
 * values, not their translated labels.
 */
export function choose(field, index, scope = "") {
    return [
        {
            content: `Open ${field}`,
            trigger: `${scope} .o_field_widget[name=${field}] .o_select_menu_toggler`,
            run: "click",
        },
        {
            content: `Choose value ${index} of ${field}`,
            trigger: `.o_select_menu_menu .o_select_menu_item[data-choice-index='${index}']`,
            run: "click",
        },
    ];
}

export function save() {
    return [
        { content: "Save", trigger: ".o_form_button_save:enabled", run: "click" },
        { content: "Saved", trigger: ".o_form_saved" },
    ];
}

/**
 * Click a header button, then wait until it is gone: each step's button hides
 * once the record left the step (a refusal would leave it and its dialog).
 */
export function button(name) {
    return [
        {
            content: `Click ${name}`,
            trigger: `.o_form_statusbar button[name=${name}]:enabled`,
            run: "click",
        },
        {
            content: `${name} went through`,
            trigger: `.o_form_view:not(:has(.o_form_statusbar button[name=${name}]))`,
        },
    ];
}

/** Open a notebook page by its name. */
export function page(name) {
    return {
        content: `Open the ${name} page`,
        trigger: `.o_notebook_headers a[name=${name}]`,
        run: "click",
    };
}

/** A busy machine answers slowly: every step may wait up to 60 s for its element. */
export function patient(steps) {
    return steps.map((step) => ({ timeout: 60000, ...step }));
}
