import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { responseTimestamp } from '@app/contracts';
import { DeliveryLatency } from '../latency/delivery-latency';
import { FleetLatency } from '../latency/fleet-latency';
import { SignalReadModel } from '../signals/signal-read-model.service';
import { SseHub } from '../sse/sse-hub.service';
import { RequestStats } from './request-stats';

const startedAt = Date.now();

@ApiTags('operations')
@ApiSecurity('api-key')
@Controller('api/stats')
export class StatsController {
  constructor(
    private readonly requests: RequestStats,
    private readonly readModel: SignalReadModel,
    private readonly sse: SseHub,
    private readonly latency: DeliveryLatency,
    private readonly fleet: FleetLatency,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Usage statistics of this replica: requests, signals, SSE clients, uptime' })
  @ApiOkResponse({ description: 'Counters since this replica started' })
  async stats(): Promise<Record<string, unknown>> {
    const fleet = await this.fleet.snapshot();
    const own = this.latency.snapshot();
    const p = this.readModel.projection;
    const now = Date.now();
    const last = p.lastSignalAtMs;
    return {
      status: 'success',
      uptime_seconds: Math.round((now - startedAt) / 1000),
      requests: this.requests.snapshot(),
      signals: {
        loaded: this.readModel.ready,
        received: p.counters.received,
        acknowledged: p.counters.acknowledged,
        expired: p.counters.expired,
        superseded: p.counters.superseded,
        // Only `live` signals are for trading; the rest come from a replay, a backtest or a demo.
        by_source: { ...p.receivedBySource },
        active: p.activeSize,
        history: p.historySize,
        last_signal_id: p.lastId,
        last_signal_age_seconds: last === null ? null : Math.max(0, Math.round((now - last) / 100) / 10),
      },
      sse_clients: this.sse.clientCount,
      // Each stage in the order a signal passes it, p50/p99 of its last 1000 samples (Prometheus has
      // all of them): served, sse and ack measured by this replica; candle_to_signal (the
      // generators) and telegram (the notifiers, per chat) by every replica of those services.
      latency: { candle_to_signal: fleet.candle_to_signal, served: own.served, sse: own.sse, telegram: fleet.telegram, ack: own.ack },
      timestamp: responseTimestamp(new Date(now)),
    };
  }
}
