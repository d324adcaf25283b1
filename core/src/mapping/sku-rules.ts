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
}

export function createSkuTranslator(rules: SkuRules): SkuTranslator {
  const prefix = rules.prefix ?? '';
  const suffix = rules.suffix ?? '';
  const caseRule = rules.case ?? 'preserve';
  return {
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
  };
}

/** Removes leading `char`s but keeps at least one character ("000" → "0"). */
function stripLeading(value: string, char: string): string {
  let i = 0;
  while (i < value.length - 1 && value[i] === char) i++;
  return value.slice(i);
}

/**
 * Exact reverse lookup over the SKUs commercetools actually sells: case and zero rules lose information,
 * so where the catalogue is known, a Clarus code maps to the SKU whose forward translation equals it.
 */
export function createSkuIndex(translator: SkuTranslator, skus: Iterable<string>): Map<string, string> {
  const byCode = new Map<string, string>();
  for (const sku of skus) {
    const code = translator.toClarus(sku);
    if (!byCode.has(code)) byCode.set(code, sku);
  }
  return byCode;
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
