import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { serialTransactions } from './serial-transactions.js';

/** The one PrismaClient of the process. Only *.repository.ts files inject it. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({ adapter: serialTransactions(new PrismaPg({ connectionString: config.databaseUrl })) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
