import { counter } from '@app/observability';

export const controlChanges = counter({
  name: 'gateway_control_changes_total',
  help: 'Kill switch changes made through this replica, by the state set',
  labelNames: ['trading'] as const,
});
