import type { SkuRules } from '../config';

/**
 * SKU rules turn a commercetools SKU into the Clarus product code (and back), so that merchants whose
 * warehouse codes differ in padding, case or affixes need not rename either catalogue.
 * Forward order: case → strip leading zeros → pad → prefix/suffix. The inverse undoes them in reverse.
 */
export interface SkuTranslator {
  toClarus(sku: string): string;
  /** Algorithmic inverse; `undefined` when the code cannot come from any SKU (e.g. missing prefix). */
  toCommercetools(code: string): string | undefined;
  /**
   * Every SKU whose `toClarus` is `code`, as far as that set is finite and small: padding removed 0…all
   * times, up to `MAX_RESTORED_ZEROS` leading zeros restored under `stripLeadingZeros`, and under a `case`
   * rule the code as it is plus its other all-lower/all-upper form (mixed-case SKUs are not enumerated).
   * Used to look the SKUs of one code up in commercetools (the stock webhook); sorted, distinct.
   */
  candidates(code: string): string[];
}

/** Leading zeros `candidates` puts back in front of a code under `stripLeadingZeros` (the rule loses them). */
export const MAX_RESTORED_ZEROS = 8;

export function createSkuTranslator(rules: SkuRules): SkuTranslator {
  const prefix = rules.prefix ?? '';
  const suffix = rules.suffix ?? '';
  const caseRule = rules.case ?? 'preserve';
  const translator: SkuTranslator = {
    toClarus(sku) {
      let code = caseRule === 'upper' ? sku.toUpperCase() : caseRule === 'lower' ? sku.toLowerCase() : sku;
      if (rules.stripLeadingZeros) code = stripLeading(code, '0');
      if (rules.padStart) code = code.padStart(rules.padStart.length, rules.padStart.char);
      return `${prefix}${code}${suffix}`;
    },
    toCommercetools(code) {
      if (
        !code.startsWith(prefix) ||
        !code.endsWith(suffix) ||
        code.length < prefix.length + suffix.length + 1
      ) {
        return undefined;
      }
      let sku = code.slice(prefix.length, code.length - suffix.length);
      // Padding is removed again; a stripped SKU had no leading zeros to restore.
      if (rules.padStart) sku = stripLeading(sku, rules.padStart.char);
      return sku;
    },
    candidates(code) {
      if (
        !code.startsWith(prefix) ||
        !code.endsWith(suffix) ||
        code.length < prefix.length + suffix.length + 1
      ) {
        return [];
      }
      const padded = code.slice(prefix.length, code.length - suffix.length);
      let stripped = [padded];
      if (rules.padStart) {
        const { length, char } = rules.padStart;
        if (padded.length < length) stripped = [];
        else if (padded.length === length) {
          stripped = [];
          for (let k = 0; k < padded.length && (k === 0 || padded[k - 1] === char); k++) {
            stripped.push(padded.slice(k));
          }
        }
      }
      let cased = stripped;
      if (rules.stripLeadingZeros) {
        cased = stripped
          .filter((z) => z.length === 1 || !z.startsWith('0'))
          .flatMap((z) => Array.from({ length: MAX_RESTORED_ZEROS + 1 }, (_, n) => '0'.repeat(n) + z));
      }
      const skus = cased.flatMap((c) =>
        caseRule === 'upper' ? [c, c.toLowerCase()] : caseRule === 'lower' ? [c, c.toUpperCase()] : [c],
      );
      // The forward rule is the judge: only SKUs that really translate to the code.
      return [...new Set(skus)].filter((sku) => sku !== '' && translator.toClarus(sku) === code).sort();
    },
  };
  return translator;
}

/** Removes leading `char`s but keeps at least one character ("000" → "0"). */
function stripLeading(value: string, char: string): string {
  let i = 0;
  while (i < value.length - 1 && value[i] === char) i++;
  return value.slice(i);
}

/** Problems with a SKU's Clarus form; empty when it can be sent. */
export function skuProblems(translator: SkuTranslator, rules: SkuRules, sku: string): string[] {
  const code = translator.toClarus(sku);
  const problems: string[] = [];
  if (rules.maxLength && code.length > rules.maxLength) {
    problems.push(`Clarus product code "${code}" is longer than ${rules.maxLength} characters`);
  }
  return problems;
}
