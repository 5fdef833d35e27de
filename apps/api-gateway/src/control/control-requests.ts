import { z } from 'zod';
import { TRADING_STATES, type TradingState } from '@app/contracts';

/** POST /api/control/{action}: what each action sets the switch to. */
export const CONTROL_ACTIONS: Record<'pause' | 'resume' | 'flatten', TradingState> = { pause: 'paused', resume: 'enabled', flatten: 'flatten' };

export const ControlActionSchema = z.enum(['pause', 'resume', 'flatten'], { error: 'action must be pause, resume or flatten' });
export type ControlAction = z.infer<typeof ControlActionSchema>;

/** Optional body: `{"by": "alice"}` names who flipped the switch; without it the client address is recorded. */
export const ControlBodySchema = z
  .object(
    { by: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional() },
    { error: 'request body must be a JSON object like {"by": "alice"} (or empty)' },
  )
  .optional();
export type ControlBody = z.infer<typeof ControlBodySchema>;

export { TRADING_STATES };
