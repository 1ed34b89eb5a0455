// hook's Prometheus metrics, with upstream's names, labels and buckets (pkg/githubeventserver/metrics.go).
// Each server gets its own registry so that tests and `prow up` can run several side by side.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HookMetrics {
  registry: Registry;
  webhookCounter: Counter<'event_type'>;
  responseCounter: Counter<'response_code'>;
  pluginHandleDuration: Histogram<'event_type' | 'action' | 'plugin' | 'took_action'>;
  pluginHandleErrors: Counter<'event_type' | 'action' | 'plugin' | 'took_action'>;
  /** Ours: deliveries put back for a later attempt after a transient error. */
  deliveryRetries: Counter<'event_type'>;
  /** Ours: durable external-plugin forwards by plugin and result (delivered, retried, dropped). */
  externalForwards: Counter<'plugin' | 'result'>;
}

export function createHookMetrics(options: { registry?: Registry; defaultMetrics?: boolean } = {}): HookMetrics {
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhookCounter: new Counter({
      name: 'prow_webhook_counter',
      help: 'A counter of the webhooks made to prow.',
      labelNames: ['event_type'],
      registers: [registry],
    }),
    responseCounter: new Counter({
      name: 'prow_webhook_response_codes',
      help: 'A counter of the different responses hook has responded to webhooks with.',
      labelNames: ['response_code'],
      registers: [registry],
    }),
    pluginHandleDuration: new Histogram({
      name: 'prow_plugin_handle_duration_seconds',
      help: 'How long Prow took to handle an event by plugin, event type and action.',
      labelNames: ['event_type', 'action', 'plugin', 'took_action'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640],
      registers: [registry],
    }),
    pluginHandleErrors: new Counter({
      name: 'prow_plugin_handle_errors',
      help: 'Prow errors handling an event by plugin, event type and action.',
      labelNames: ['event_type', 'action', 'plugin', 'took_action'],
      registers: [registry],
    }),
    deliveryRetries: new Counter({
      name: 'prow_hook_delivery_retries',
      help: 'Deliveries put back for a later attempt after a transient error, by event type.',
      labelNames: ['event_type'],
      registers: [registry],
    }),
    externalForwards: new Counter({
      name: 'prow_hook_external_plugin_forwards',
      help: 'Webhook forwards to external plugins by plugin and result (delivered, retried, dropped).',
      labelNames: ['plugin', 'result'],
      registers: [registry],
    }),
  };
}
