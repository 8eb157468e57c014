// Modals: the bot's callback type 9 (validated like Discord) and the member's submit, interaction type 5.
import type { InteractionCallbackData, JsonObject } from './types.js';
import { formError, maxLength, type FieldProblem } from './validate.js';

const ComponentTypes = { ActionRow: 1, TextInput: 4, TextDisplay: 10, Label: 18 } as const;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A text input of a modal as the bot sent it, with the label it was shown under. */
export interface ModalTextInput {
  customId: string;
  label: string | undefined;
  style: number;
  required: boolean;
  minLength: number;
  maxLength: number;
}

/** Every text input of a modal, whether in a Label (type 18) or a legacy action row. */
export function modalTextInputs(data: InteractionCallbackData): ModalTextInput[] {
  const out: ModalTextInput[] = [];
  const take = (input: JsonObject, label: unknown) => {
    if (input.type !== ComponentTypes.TextInput) return;
    out.push({
      customId: String(input.custom_id ?? ''),
      label: typeof label === 'string' ? label : typeof input.label === 'string' ? input.label : undefined,
      style: Number(input.style ?? 1),
      required: input.required !== false,
      minLength: Number(input.min_length ?? 0),
      maxLength: Number(input.max_length ?? 4000),
    });
  };
  for (const c of (data.components ?? []) as JsonObject[]) {
    if (c.type === ComponentTypes.Label && isObject(c.component)) take(c.component, c.label);
    if (c.type === ComponentTypes.ActionRow) for (const inner of (c.components ?? []) as JsonObject[]) take(inner, undefined);
  }
  return out;
}

/** Checks a modal callback's data as Discord does (50035 on a bad form). */
export function validateModal(data: InteractionCallbackData): void {
  const problems: FieldProblem[] = [];
  if (typeof data.custom_id !== 'string' || data.custom_id === '') problems.push({ path: 'data.custom_id', code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  maxLength(problems, 'data.custom_id', data.custom_id, 100);
  if (typeof data.title !== 'string' || data.title === '') problems.push({ path: 'data.title', code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  maxLength(problems, 'data.title', data.title, 45);
  const components = (data.components ?? []) as JsonObject[];
  if (components.length < 1 || components.length > 5) {
    problems.push({ path: 'data.components', code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 5 in length.' });
  }
  components.forEach((c, i) => {
    if (c.type === ComponentTypes.Label) {
      maxLength(problems, `data.components.${i}.label`, c.label, 45);
      if (!isObject(c.component)) problems.push({ path: `data.components.${i}.component`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    } else if (c.type !== ComponentTypes.ActionRow && c.type !== ComponentTypes.TextDisplay) {
      problems.push({ path: `data.components.${i}.type`, code: 'COMPONENT_TYPE_INVALID', message: `Component type ${String(c.type)} is not valid in a modal` });
    }
  });
  modalTextInputs(data).forEach((input, i) => {
    if (input.customId === '' || input.customId.length > 100) problems.push({ path: `data.inputs.${i}.custom_id`, code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' });
    if (input.maxLength < 1 || input.maxLength > 4000) problems.push({ path: `data.inputs.${i}.max_length`, code: 'NUMBER_TYPE_MAX', message: 'Must be between 1 and 4000.' });
    if (input.style !== 1 && input.style !== 2) problems.push({ path: `data.inputs.${i}.style`, code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {1, 2}.' });
  });
  if (problems.length > 0) throw formError(problems);
}

/**
 * The `data` of the modal submit (interaction type 5) for `values` typed into the modal's inputs,
 * shaped like the modal (a Label's input comes back inside a Label). Refuses what Discord's client
 * would not let a member send: a missing required value or one longer than the input's max_length.
 */
export function modalSubmitData(modal: InteractionCallbackData, values: Record<string, string>): JsonObject {
  const inputs = modalTextInputs(modal);
  for (const name of Object.keys(values)) {
    if (!inputs.some((i) => i.customId === name)) throw new Error(`FakeDiscord: the modal has no text input "${name}" (has: ${inputs.map((i) => i.customId).join(', ')})`);
  }
  for (const input of inputs) {
    const value = values[input.customId] ?? '';
    if (input.required && value === '') throw new Error(`FakeDiscord: the modal's input "${input.customId}" is required`);
    if ([...value].length > input.maxLength) throw new Error(`FakeDiscord: "${input.customId}" takes at most ${input.maxLength} characters`);
  }
  const answered = (input: JsonObject): JsonObject => ({ type: ComponentTypes.TextInput, custom_id: input.custom_id, value: values[String(input.custom_id)] ?? '' });
  const components = ((modal.components ?? []) as JsonObject[]).flatMap((c): JsonObject[] => {
    if (c.type === ComponentTypes.Label && isObject(c.component)) return [{ type: ComponentTypes.Label, component: answered(c.component) }];
    if (c.type === ComponentTypes.ActionRow) return [{ type: ComponentTypes.ActionRow, components: ((c.components ?? []) as JsonObject[]).map(answered) }];
    return [];
  });
  return { custom_id: modal.custom_id, components };
}
