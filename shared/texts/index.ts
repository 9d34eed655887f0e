/**
 * The texts in use. One language today (en.ts); a second one is a file with the same exports, and
 * this module picks it.
 */
export { TEXTS, FIX_TEXTS, WARNING_TEXTS, ACTION_TEXTS, ADMIN_ASKS, LOCAL_ADDRESS_TEXTS, ADMIN_TOPIC_ASKS, SESSION_CAUSES, WRITE_CAUSES, FOLDER_CAUSES, type CodeText, type FixText, type WarningText, type AdminAsk } from './en';

/** A value a template can show. */
export type TemplateValue = string | number | boolean | readonly string[];

/** Fills {name} placeholders from params (arrays joined with ", "); unknown names stay as written. */
export function fillTemplate(template: string, params: Record<string, TemplateValue | undefined>): string {
  return template.replace(/\{([a-zA-Z0-9]+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'object' ? v.join(', ') : String(v);
  });
}
