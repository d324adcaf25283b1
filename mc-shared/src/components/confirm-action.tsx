import { useState } from 'react';
import {
  ContentNotification,
  PrimaryButton,
  SecondaryButton,
  Spacings,
  Text,
} from '@commercetools-frontend/ui-kit';

/**
 * A button that asks before it acts, then says what happened: `run` resolves with the sentence to show
 * (or throws; the error's message is shown). Disabled, with the reason as its title, when not allowed.
 */
export function ConfirmAction(props: {
  label: string;
  question: string;
  allowed: boolean;
  run: () => Promise<string>;
  /** Called after a successful run (e.g. to reload the data). */
  onDone?: () => void;
}) {
  const [step, setStep] = useState<'idle' | 'asking' | 'running'>('idle');
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>();
  const confirm = () => {
    setStep('running');
    props.run().then(
      (text) => {
        setOutcome({ ok: true, text });
        setStep('idle');
        props.onDone?.();
      },
      (err: unknown) => {
        setOutcome({ ok: false, text: err instanceof Error ? err.message : String(err) });
        setStep('idle');
      },
    );
  };
  return (
    <Spacings.Stack scale="s">
      {step === 'asking' || step === 'running' ? (
        <Spacings.Inline scale="s" alignItems="center">
          <Text.Detail>{props.question}</Text.Detail>
          <PrimaryButton
            label={`Yes, ${props.label.toLowerCase()}`}
            onClick={confirm}
            isDisabled={step === 'running'}
            size="20"
          />
          <SecondaryButton
            label="Cancel"
            onClick={() => setStep('idle')}
            isDisabled={step === 'running'}
            size="20"
          />
        </Spacings.Inline>
      ) : (
        <div title={props.allowed ? undefined : 'You need the manage permission for this.'}>
          <SecondaryButton
            label={props.label}
            isDisabled={!props.allowed}
            onClick={() => {
              setOutcome(undefined);
              setStep('asking');
            }}
            size="20"
          />
        </div>
      )}
      {outcome && (
        <ContentNotification type={outcome.ok ? 'success' : 'error'}>
          <Text.Detail>{outcome.text}</Text.Detail>
        </ContentNotification>
      )}
    </Spacings.Stack>
  );
}
