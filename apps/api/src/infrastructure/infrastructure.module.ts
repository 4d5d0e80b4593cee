import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { READ_STORE, ReadStore } from '@app/read-models';
import { APP_CONFIG, AppConfig } from '../config';
import { CommandShell } from './command-shell';
import { ProjectionService } from './projection.service';
import { openEventStore, openReadStore } from './stores';

/** The stores chosen by configuration, the in-process projector and the command shell. */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
  ) {}

  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        { provide: READ_STORE, useFactory: () => openReadStore(config) },
        ProjectionService,
        CommandShell,
      ],
      exports: [APP_CONFIG, EVENT_STORE, READ_STORE, ProjectionService, CommandShell],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events.close();
    await this.reads.close();
  }
}
