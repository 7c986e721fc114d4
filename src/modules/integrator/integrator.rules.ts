import { Role } from '../../auth/roles';

/** Who creates, lists and revokes integrators' keys: a city administrator, a street officer within their street. */
export const API_KEY_MANAGERS = [Role.CITY_ADMIN, Role.STREET_OFFICER] as const;
