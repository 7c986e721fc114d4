import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';
import { Subscriber, whenSubscribed } from '../../helpers/subscriptions';
import { makePartyMember, makeVolunteer, WISH_EVENTS, wishClient } from '../../helpers/wishes';

let t: TestServer;
let u: DemoUnits;
let api: ReturnType<typeof wishClient>;
const tokens: Record<string, string> = {};
let member: Awaited<ReturnType<typeof makePartyMember>>;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  api = wishClient(t);
  member = await makePartyMember(t.database.db, u.micro.id);
  const otherMember = await makePartyMember(t.database.db, u.otherLevel2.id);
  const volunteer = await makeVolunteer(t.database.db, u.otherLevel2.id);
  tokens.resident = await t.token(Role.RESIDENT, { type: 'Household', key: u.household.id }, 'resident-1');
  tokens.stranger = await t.token(Role.RESIDENT, { type: 'Household', key: u.otherHousehold.id }, 'resident-2');
  tokens.otherWorker = await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.otherLevel2.id }, 'worker-b');
  tokens.secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }, 'secretary');
  tokens.member = await t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: member.id }, member.subject!);
  tokens.otherMember = await t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: otherMember.id }, otherMember.subject!);
  tokens.volunteer = await t.token(Role.VOLUNTEER, { type: 'Volunteer', key: volunteer.id }, volunteer.subject!);
});
afterAll(async () => t?.close());

type Event = { wishEvents: { cursor: string; transition: { action: string; fromStatus: string | null; toStatus: string; note: string | null; hours: string | null; actor: { subject: string; role: string } }; wish: { id: string; status: string; version: number; title: string; place: string | null } } };
const actions = (events: Event[]) => events.map((e) => e.wishEvents.transition.action);

async function wholeLoop(title: string) {
  const { wish } = await api.submit(tokens.resident, { category: 'REPAIR', title, detail: '卫生间灯不亮' });
  await api.step('wishPublish', { id: wish.id }, tokens.secretary);
  await api.step('wishClaim', { id: wish.id }, tokens.member);
  await api.step('wishFulfil', { id: wish.id, hours: '0.5', note: '换了灯泡' }, tokens.member);
  await api.step('wishDispute', { id: wish.id, reason: '开关也坏了' }, tokens.resident);
  await api.step('wishFulfil', { id: wish.id, hours: '1.5' }, tokens.member);
  await api.step('wishConfirm', { id: wish.id }, tokens.resident);
  return wish.id as string;
}

describe('wishEvents over graphql-ws', () => {
  test('the resident and the community receive every step in order, the claimant from the publication on, other members only the new open order, strangers nothing', async () => {
    const [resident, community, claimant, otherMember, volunteer, stranger, otherWorker] = await whenSubscribed(t.server.events, 7, () => [
      new Subscriber<Event>(t.wsClient(tokens.resident), WISH_EVENTS),
      new Subscriber<Event>(t.wsClient(tokens.secretary), WISH_EVENTS, { filter: { within: u.ids.community } }),
      new Subscriber<Event>(t.wsClient(tokens.member), WISH_EVENTS),
      new Subscriber<Event>(t.wsClient(tokens.otherMember), WISH_EVENTS),
      new Subscriber<Event>(t.wsClient(tokens.volunteer), WISH_EVENTS, { filter: { actions: ['PUBLISH'] } }),
      new Subscriber<Event>(t.wsClient(tokens.stranger), WISH_EVENTS),
      new Subscriber<Event>(t.wsClient(tokens.otherWorker), WISH_EVENTS),
    ]);

    const id = await wholeLoop('灯坏了');
    const all = ['SUBMIT', 'PUBLISH', 'CLAIM', 'FULFIL', 'DISPUTE', 'FULFIL', 'CONFIRM'];
    for (const subscriber of [resident, community]) {
      const events = await subscriber.waitFor(7);
      expect(actions(events)).toEqual(all);
      expect(events.map((e) => e.wishEvents.wish.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(events.every((e) => e.wishEvents.wish.id === id)).toBe(true);
      expect(events[3].wishEvents.transition).toMatchObject({ fromStatus: 'CLAIMED', toStatus: 'FULFILLED', note: '换了灯泡', hours: '0.50', actor: { role: 'PARTY_MEMBER' } });
      expect(events[4].wishEvents.transition).toMatchObject({ toStatus: 'DISPUTED', note: '开关也坏了', actor: { subject: 'resident-1', role: 'RESIDENT' } });
      expect(events[0].wishEvents.wish.place).toBe(u.building.address);
    }
    const claimed = await claimant.waitFor(6);
    expect(actions(claimed)).toEqual(all.slice(1));
    expect(claimed[0].wishEvents.wish.place).toBeNull();
    expect(claimed[1].wishEvents.wish.place).toBe(u.building.address);
    const [published] = await otherMember.waitFor(1);
    expect(published.wishEvents).toMatchObject({ transition: { action: 'PUBLISH' }, wish: { id, status: 'PUBLISHED', title: '灯坏了', place: null } });
    expect(actions(await volunteer.waitFor(1))).toEqual(['PUBLISH']);

    expect(actions(await resident.settle())).toEqual(all);
    expect(actions(await otherMember.settle(50))).toEqual(['PUBLISH']);
    expect(actions(await volunteer.settle(50))).toEqual(['PUBLISH']);
    expect(await stranger.settle(50)).toEqual([]);
    expect(await otherWorker.settle(50)).toEqual([]);
    [resident, community, claimant, otherMember, volunteer, stranger, otherWorker].forEach((s) => s.stop());
  });

  test('a dropped subscriber resumes with `after`: exactly the missed steps, then live ones', async () => {
    const { wish } = await api.submit(tokens.resident, { category: 'DAILY_NEEDS', title: '想要一副老花镜', detail: '看报纸吃力' });
    const first = await whenSubscribed(t.server.events, 1, () => new Subscriber<Event>(t.wsClient(tokens.resident), WISH_EVENTS, { filter: { wishId: wish.id } }));
    await api.step('wishPublish', { id: wish.id }, tokens.secretary);
    const [seen] = await first.waitFor(1);
    first.stop();

    await api.step('wishClaim', { id: wish.id }, tokens.member);
    await api.step('wishFulfil', { id: wish.id, hours: '1' }, tokens.member);
    const resumed = new Subscriber<Event>(t.wsClient(tokens.resident), WISH_EVENTS, { filter: { wishId: wish.id }, after: seen.wishEvents.cursor });
    expect(actions(await resumed.waitFor(2))).toEqual(['CLAIM', 'FULFIL']);
    await api.step('wishConfirm', { id: wish.id }, tokens.resident);
    const events = await resumed.waitFor(3);
    expect(actions(events)).toEqual(['CLAIM', 'FULFIL', 'CONFIRM']);
    expect(new Set(events.map((e) => e.wishEvents.cursor)).size).toBe(3);
    expect((await resumed.settle()).length).toBe(3);
    resumed.stop();

    const replayAll = new Subscriber<Event>(t.wsClient(tokens.secretary), WISH_EVENTS, { filter: { wishId: wish.id }, after: seen.wishEvents.cursor });
    expect(actions(await replayAll.waitFor(3))).toEqual(['CLAIM', 'FULFIL', 'CONFIRM']);
    replayAll.stop();
  });

  test('a malformed filter or cursor is a clear error; an anonymous subscriber is refused', async () => {
    const badWithin = new Subscriber(t.wsClient(tokens.secretary), WISH_EVENTS, { filter: { within: 'nonsense' } });
    await expect(badWithin.waitFor(1)).rejects.toThrow(/BAD_USER_INPUT/);
    const badCursor = new Subscriber(t.wsClient(tokens.secretary), WISH_EVENTS, { after: 'nonsense' });
    await expect(badCursor.waitFor(1)).rejects.toThrow(/BAD_USER_INPUT/);
    const anonymous = new Subscriber(t.wsClient(), WISH_EVENTS);
    await expect(anonymous.waitFor(1)).rejects.toThrow(/UNAUTHENTICATED/);
  });
});
