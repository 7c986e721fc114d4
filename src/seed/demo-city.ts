/**
 * The demo city: every domain's seed, in one transaction, so that a failed seed leaves
 * nothing behind. Deterministic for a given scale.
 */
import type { Queryable } from '../db/client';
import { inTransaction } from '../db/transaction';
import type { PersonalDataKey } from '../modules/audit/personal-data-key';
import { seedAppraisal } from '../modules/appraisal/appraisal.seed';
import { seedGrid } from '../modules/grid/grid.seed';
import { seedIncidents } from '../modules/incident/incident.seed';
import { seedIntegrators } from '../modules/integrator/integrator.seed';
import { seedParty } from '../modules/party/party.seed';
import { seedProperty } from '../modules/property/property.seed';
import { seedVisits } from '../modules/visit/visit.seed';
import { seedLoveBank, seedVolunteers } from '../modules/volunteer/volunteer.seed';
import { seedWishes } from '../modules/wish/wish.seed';

export interface DemoCityOptions {
  /** 1 ≈ 5,000 residents; 60 ≈ 300,000. */
  scale: number;
  /** PERSONAL_DATA_KEY, which seals the residents' ID card numbers. */
  personalDataKey: PersonalDataKey;
}

export async function seedDemoCity(db: Queryable, options: DemoCityOptions): Promise<Record<string, number>> {
  return inTransaction(db, async (tx) => {
    const grid = await seedGrid(tx, options);
    // Incidents happen in the grids, reported by the grid workers and residents seeded above.
    const incident = await seedIncidents(tx, options);
    // The property triad: compounds over the micro grids' buildings, with their committees, companies, ledgers and votes.
    const property = await seedProperty(tx, options);
    // Party members placed in that organisation tree, the units and members reporting in, their lists and commitments.
    const party = await seedParty(tx, options);
    // Volunteers (members whose service is banked among them), teams and a year of activities.
    const volunteer = await seedVolunteers(tx, options);
    // Micro-wishes, claimed by those members, volunteers and units.
    const wish = await seedWishes(tx, options);
    // The love bank's books: confirmed attendance and wishes credited, points redeemed at partner merchants.
    const bank = await seedLoveBank(tx, options);
    // Four months of the micro-grid workers' visits; the incidents they reported from a household were found on one.
    const visit = await seedVisits(tx);
    // Daily points recorded by hand, the households' quarterly ratings of their workers, last year's peer reviews.
    const appraisal = await seedAppraisal(tx);
    // The first street's big screen reads incidents, disclosures and wishes with the demo API key.
    const integrator = await seedIntegrators(tx);
    return { ...grid, ...incident, ...property, ...party, ...volunteer, ...wish, ...bank, ...visit, ...appraisal, ...integrator };
  });
}
