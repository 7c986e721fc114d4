/** Every table of every module, for drizzle-kit and the typed client. */
export * from '../modules/grid/grid.tables';
export * from '../events/outbox.tables';
export * from './idempotency.tables';
export * from '../modules/incident/incident.tables';
export * from '../modules/party/party.tables';
export * from '../modules/property/property.tables';
export * from '../modules/volunteer/volunteer.tables';
export * from '../modules/wish/wish.tables';
export * from './settings.tables';
export * from '../modules/visit/visit.tables';
export * from '../modules/appraisal/appraisal.tables';
export * from '../modules/import/import.tables';
export * from './rate-limit.tables';
export * from '../modules/integrator/integrator.tables';
export * from '../modules/audit/audit.tables';
export * from '../modules/webhook/webhook.tables';
