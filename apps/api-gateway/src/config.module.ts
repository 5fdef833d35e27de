import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { GatewayConfig } from './config';
import { GATEWAY_CONFIG } from './tokens';

/** Makes the validated config injectable everywhere as `@Inject(GATEWAY_CONFIG)`. */
@Global()
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayConfigModule,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
