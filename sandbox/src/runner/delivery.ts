import { PubSub, type Topic } from '@google-cloud/pubsub';
import { pushEnvelope } from '../fixtures';
import { startPubSubEmulator, type PubSubEmulator } from '../pubsub-emulator';

/** How commercetools messages reach the event app: like a Subscription would, through Pub/Sub when possible. */
export interface MessageDelivery {
  mode: 'pubsub-emulator' | 'direct-push';
  description: string;
  publish(message: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Through the Google Pub/Sub emulator (topic + push subscription to the event app), which retries what the
 * app nacks with backoff; without the emulator, the same push envelopes are posted directly and a 503 is
 * retried the way Pub/Sub would.
 */
export async function startMessageDelivery(options: {
  pushEndpoint: string;
  projectId: string;
  topic: string;
  usePubSub: boolean;
}): Promise<MessageDelivery> {
  const emulator: PubSubEmulator | undefined = options.usePubSub
    ? await startPubSubEmulator().catch(() => undefined)
    : undefined;
  if (emulator) {
    process.env.METADATA_SERVER_DETECTION = 'none';
    const pubsub = new PubSub({
      projectId: options.projectId,
      apiEndpoint: emulator.host,
      emulatorMode: true,
    });
    const [topic]: [Topic, ...unknown[]] = await pubsub.createTopic(options.topic);
    await topic.createSubscription(`${options.topic}-push`, {
      pushConfig: { pushEndpoint: options.pushEndpoint },
      ackDeadlineSeconds: 10,
      retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 5 } },
    });
    return {
      mode: 'pubsub-emulator',
      description: `Google Pub/Sub emulator at ${emulator.host}, push subscription → ${options.pushEndpoint}`,
      publish: async (message) => {
        await topic.publishMessage({ data: Buffer.from(JSON.stringify(message)) });
      },
      close: async () => {
        await pubsub.close();
        await emulator.close();
      },
    };
  }
  const pending = new Set<Promise<void>>();
  return {
    mode: 'direct-push',
    description: `direct push of Pub/Sub envelopes to ${options.pushEndpoint} (no Pub/Sub emulator found)`,
    publish: async (message) => {
      const delivery = pushWithRetry(options.pushEndpoint, pushEnvelope(message));
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    },
    close: async () => {
      await Promise.allSettled([...pending]);
    },
  };
}

async function pushWithRetry(url: string, envelope: unknown): Promise<void> {
  for (let attempt = 0, backoff = 500; attempt < 20; attempt++, backoff = Math.min(backoff * 2, 5000)) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
    }).catch(() => undefined);
    if (res && res.status < 300) return;
    if (res && res.status >= 400 && res.status < 500) return; // Pub/Sub would also stop only on ack; a 4xx is a bug to see in the logs
    await new Promise((r) => setTimeout(r, backoff));
  }
}
