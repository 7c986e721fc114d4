import { idCardCheckChar, maskIdCard } from '../../src/modules/grid/identity';

/**
 * The ID number of a resident whose insert test/audit/audit-log.test.ts makes fail on
 * purpose: the database error's message quotes it (its parameters are never logged), so the
 * internal-error log line holds this number, and the log scan must find it masked, never whole.
 */
export const PROVOKED_ID_CARD = '37160219770512003' + idCardCheckChar('37160219770512003');
export const PROVOKED_ID_CARD_MASKED = maskIdCard(PROVOKED_ID_CARD);
