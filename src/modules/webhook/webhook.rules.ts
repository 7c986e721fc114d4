import { Role } from '../../auth/roles';
import { API_KEY_MANAGERS } from '../integrator/integrator.rules';

/** Who registers and watches webhook endpoints: an integrator for its own key, and whoever manages its key. */
export const WEBHOOK_USERS = [...API_KEY_MANAGERS, Role.INTEGRATOR] as const;
