import type { TrackingData } from '@commercetools/platform-sdk';

/** The tracking a parcel carries, as the connector writes it (commercetools `TrackingData`). */
export interface ParcelTracking {
  trackingId?: string;
  carrier?: string;
  provider?: string;
  /** The carrier's tracking page, from the per-carrier URL template (TRACKING_URL_TEMPLATES). */
  providerTransaction?: string;
  isReturn: boolean;
}

/** One Clarus package and the shipment it is in, as far as tracking is concerned. */
export interface PackageTrackingSource {
  trackingNumber?: string;
  /** Clarus shipment `carrier.code` (preferred) and `carrier.name`. */
  carrierCode?: string;
  carrierName?: string;
}

/**
 * Pure: a Clarus package → the parcel's tracking data. `carrier` = the shipment's carrier code (else its
 * name), `provider` = the carrier name, `providerTransaction` = the template for `carrier` with
 * `{trackingNumber}` replaced (URL-encoded), only when both are known.
 */
export function parcelTrackingOf(
  source: PackageTrackingSource,
  trackingUrlTemplates: Record<string, string>,
): ParcelTracking {
  const carrier = source.carrierCode ?? source.carrierName;
  const template = carrier ? trackingUrlTemplates[carrier] : undefined;
  const trackingUrl =
    template && source.trackingNumber
      ? template.replace('{trackingNumber}', encodeURIComponent(source.trackingNumber))
      : undefined;
  return {
    ...(source.trackingNumber ? { trackingId: source.trackingNumber } : {}),
    ...(carrier ? { carrier } : {}),
    ...(source.carrierName ? { provider: source.carrierName } : {}),
    ...(trackingUrl ? { providerTransaction: trackingUrl } : {}),
    isReturn: false,
  };
}

const FIELDS = ['trackingId', 'carrier', 'provider', 'providerTransaction'] as const;

/**
 * Pure: the tracking data to set on a parcel that already exists (`setParcelTrackingData` replaces the whole
 * value), or `undefined` when nothing changed — so a repeat writes nothing (DESIGN invariant 3: tracking
 * follows corrections).
 * - A value Clarus now reports replaces the parcel's (re-labelled package, carrier swap).
 * - A value Clarus no longer reports is kept: a re-label may void the old number before the new one exists,
 *   and a customer is better served by the old number than by none.
 * - The tracking URL is kept only while number and carrier are unchanged; otherwise it pointed at the old
 *   label and is replaced by the new one (or dropped when no template applies).
 * - `isReturn` stays what the parcel says.
 */
export function trackingUpdate(
  existing: TrackingData | undefined,
  reported: ParcelTracking,
): ParcelTracking | undefined {
  const before = existing ?? {};
  const trackingId = reported.trackingId ?? before.trackingId;
  const carrier = reported.carrier ?? before.carrier;
  const provider = reported.provider ?? before.provider;
  const sameLabel = trackingId === before.trackingId && carrier === before.carrier;
  const providerTransaction =
    reported.providerTransaction ?? (sameLabel ? before.providerTransaction : undefined);
  const next: ParcelTracking = {
    ...(trackingId ? { trackingId } : {}),
    ...(carrier ? { carrier } : {}),
    ...(provider ? { provider } : {}),
    ...(providerTransaction ? { providerTransaction } : {}),
    isReturn: before.isReturn ?? reported.isReturn,
  };
  return FIELDS.some((f) => (next[f] ?? undefined) !== (before[f] ?? undefined)) ? next : undefined;
}
