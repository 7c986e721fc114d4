/** Every table of every module, for drizzle-kit and the typed client. */
export * from '../modules/grid/grid.tables';
