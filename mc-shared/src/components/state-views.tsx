import {
  ContentNotification,
  LoadingSpinner,
  SecondaryButton,
  Spacings,
  Text,
} from '@commercetools-frontend/ui-kit';
import { OpsApiError } from '../ops-client';

/** Shown while data loads. */
export function Loading(props: { what: string }) {
  return <LoadingSpinner>{`Loading ${props.what}…`}</LoadingSpinner>;
}

/** A read that failed: what it means for the person, and a retry; never a crash. */
export function LoadError(props: { what: string; error: Error; retry: () => void }) {
  const status = props.error instanceof OpsApiError ? props.error.status : undefined;
  const meaning =
    status === 403
      ? 'You do not have the permission to see this.'
      : status === 404
        ? 'The connector does not know it.'
        : status !== undefined && status >= 500
          ? 'The connector could not answer right now (Clarus or commercetools may be unreachable).'
          : 'The connector could not be reached.';
  return (
    <ContentNotification type="error">
      <Spacings.Stack scale="xs">
        <Text.Body>{`Could not load ${props.what}. ${meaning}`}</Text.Body>
        <Text.Detail tone="secondary">{props.error.message}</Text.Detail>
        <div>
          <SecondaryButton label="Try again" onClick={props.retry} size="20" />
        </div>
      </Spacings.Stack>
    </ContentNotification>
  );
}

/** Nothing to show, said plainly. */
export function Empty(props: { text: string }) {
  return (
    <ContentNotification type="info">
      <Text.Body>{props.text}</Text.Body>
    </ContentNotification>
  );
}
