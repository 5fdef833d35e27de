import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { SignalSchema } from '@app/contracts';

/**
 * OpenAPI schemas derived from the zod contract, so the docs cannot drift from what is served.
 */
const openapi = (schema: z.ZodType): SchemaObject => z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output' }) as SchemaObject;

const signalBase = openapi(SignalSchema);

export const SIGNAL_SCHEMA: SchemaObject = {
  ...signalBase,
  properties: { ...signalBase.properties, id: { type: 'string', description: 'Stream entry id of the signal', example: '1732185045123-0' } },
  required: [...(signalBase.required ?? []), 'id'],
  example: {
    timestamp: '2024-11-21T10:30:45.123456',
    symbol: 'ETHUSDT',
    direction: 'BUY',
    entry_price: 3500.0,
    stop_loss: 3482.5,
    take_profit: 3542.0,
    leverage: 20,
    signal_strength: 85.5,
    timeframe: '1m',
    strategy_name: 'HighFrequencyScalping',
    metadata: { consensus_confidence: 75.0, strategies_agree: 4, risk_reward_ratio: 2.4 },
    id: '1732185045123-0',
  },
};

const responseTimestamp: SchemaObject = { type: 'string', example: '2024-11-21T10:31:00', description: 'UTC, seconds precision' };
const success: SchemaObject = { type: 'string', enum: ['success'] };

export const SIGNAL_LIST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'count', 'signals', 'timestamp'],
  properties: { status: success, count: { type: 'integer' }, signals: { type: 'array', items: SIGNAL_SCHEMA }, timestamp: responseTimestamp },
};

export const HISTORY_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'count', 'signals', 'timestamp'],
  properties: {
    status: success,
    count: { type: 'integer' },
    signals: {
      type: 'array',
      items: {
        ...SIGNAL_SCHEMA,
        properties: {
          ...SIGNAL_SCHEMA.properties,
          state: { type: 'string', enum: ['active', 'acknowledged', 'expired', 'superseded'] },
          acknowledged_at: { type: 'string', nullable: true, example: '2024-11-21T10:30:52.004211' },
        },
        required: [...(SIGNAL_SCHEMA.required ?? []), 'state', 'acknowledged_at'],
        example: undefined,
      },
    },
    timestamp: responseTimestamp,
  },
};

export const LATEST_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'signal', 'timestamp'],
  properties: { status: success, signal: { ...SIGNAL_SCHEMA, nullable: true }, timestamp: responseTimestamp },
};

export const ACK_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'Either field identifies the signal; the guide\'s C# client sends the timestamp.',
  properties: {
    timestamp: { type: 'string', example: '2024-11-21T10:30:45.123456' },
    id: { type: 'string', example: '1732185045123-0' },
  },
};

export const ACK_RESPONSE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'message', 'signal_id', 'timestamp', 'acknowledged_at'],
  properties: {
    status: success,
    message: { type: 'string', example: 'Signal acknowledged' },
    signal_id: { type: 'string', example: '1732185045123-0' },
    timestamp: { type: 'string', example: '2024-11-21T10:30:45.123456', description: "The signal's timestamp" },
    acknowledged_at: { type: 'string', example: '2024-11-21T10:30:52.004211' },
    already_acknowledged: { type: 'boolean', description: 'Present (true) when the signal had been acknowledged before' },
  },
};

export const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'message'],
  properties: { status: { type: 'string', enum: ['error'] }, message: { type: 'string' } },
};
