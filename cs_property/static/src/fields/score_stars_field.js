import { registry } from "@web/core/registry";
import { PriorityField, priorityField } from "@web/views/fields/priority/priority_field";

/**
 * Callback scores (1-5) are integers, so that averages stay plain arithmetic;
 * they are shown and entered as five stars, 0 meaning "not scored".
 */
export class ScoreStarsField extends PriorityField {
    get options() {
        return [0, 1, 2, 3, 4, 5].map((score) => [score, String(score)]);
    }
}

export const scoreStarsField = {
    ...priorityField,
    component: ScoreStarsField,
    supportedTypes: ["integer"],
    extractProps({ options }, dynamicInfo) {
        return {
            // three score fields on one form: no competing keyboard commands
            withCommand: false,
            readonly: dynamicInfo.readonly,
            // a score is part of the callback being written, saved with it
            autosave: "autosave" in options ? !!options.autosave : false,
        };
    },
};

registry.category("fields").add("cs_property_score_stars", scoreStarsField);
