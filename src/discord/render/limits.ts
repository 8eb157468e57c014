/** Discord's limits on what a message may hold. */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  fields: 25,
  total: 6000,
} as const;

export const BUTTON_LABEL_LIMIT = 80;
export const CONTENT_LIMIT = 2000;

/** Cuts text to a limit, marking the cut with an ellipsis. */
export function clamp(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
