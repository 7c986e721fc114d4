import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient, type Client } from 'graphql-ws';
import { useEffect, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './explorer.css';

/** What the server writes into the page (src/server/explorer.ts). */
interface ExplorerSettings {
  graphqlPath: string;
  /** Ready credentials of the demo city; only offered in development. */
  demoTokens: { role: string; subject: string; token: string }[];
}

interface Connection {
  fetcher: Fetcher;
  socket: Client;
}

const settings = JSON.parse(document.getElementById('explorer-settings')!.textContent!) as ExplorerSettings;
const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${settings.graphqlPath}`;
// The tab's own storage: a bearer token outlives a reload, not the browser session.
const TOKEN_KEY = 'gridgov.explorer.token';

const DEFAULT_QUERY = `# gridgov GraphQL explorer
#
# Paste a token above (or pick a demo user) to ask as that person;
# without one you see what the public sees. Subscriptions run over
# graphql-ws on the same path, with the token in connection_init.

{
  streets(first: 3) {
    nodes {
      name
      communities(first: 5) { nodes { name } }
    }
  }
}
`;

/**
 * HTTP requests carry `Authorization: Bearer …`; the WebSocket sends the same value in its
 * `connection_init` payload, as src/server/websocket.ts reads it. A new token means a new socket.
 */
function connect(token: string): Connection {
  const authorization = token ? `Bearer ${token}` : null;
  const socket = createClient({
    url: socketUrl,
    connectionParams: authorization ? { authorization } : {},
    lazy: true,
    retryAttempts: 3,
  });
  const fetcher = createGraphiQLFetcher({
    url: settings.graphqlPath,
    wsClient: socket,
    headers: authorization ? { authorization } : {},
    enableIncrementalDelivery: false,
  });
  return { fetcher, socket };
}

/** Who the API takes the token for, or why it refuses it. */
async function describeViewer(token: string): Promise<string> {
  if (!token) return '匿名 (anonymous): public data only';
  const response = await fetch(settings.graphqlPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { role subject } }' }),
  });
  const body = (await response.json()) as { data?: { viewer: { role: string; subject: string } }; errors?: { message: string }[] };
  if (body.errors?.length) return `refused: ${body.errors[0].message}`;
  return `${body.data!.viewer.role} · ${body.data!.viewer.subject}`;
}

function TokenBar({ token, onToken, viewer }: { token: string; onToken: (token: string) => void; viewer: string }) {
  const [draft, setDraft] = useState(token);
  useEffect(() => setDraft(token), [token]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A pasted header value works too: the bar adds the scheme itself.
    onToken(draft.trim().replace(/^Bearer\s+/i, ''));
  };
  const demo = settings.demoTokens.find((d) => d.token === token)?.token ?? '';
  return (
    <form className="token-bar" onSubmit={submit}>
      <span className="token-bar-title">gridgov</span>
      <label className="token-bar-field">
        <span>令牌 Token</span>
        <input
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="Bearer token or API key (ggk_…)"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
      </label>
      <button type="submit">使用 Use</button>
      {settings.demoTokens.length > 0 && (
        <label className="token-bar-field">
          <span>演示用户 Demo user</span>
          <select name="demo" value={demo} onChange={(e) => onToken(e.target.value)}>
            <option value="">—</option>
            {settings.demoTokens.map((d) => (
              <option key={d.token} value={d.token}>{`${d.role} (${d.subject})`}</option>
            ))}
          </select>
        </label>
      )}
      <output className="token-bar-viewer" aria-live="polite">{viewer}</output>
    </form>
  );
}

function Explorer() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [connection, setConnection] = useState<Connection | null>(null);
  const [viewer, setViewer] = useState('');

  useEffect(() => {
    const next = connect(token);
    setConnection(next);
    let current = true;
    describeViewer(token).then(
      (text) => current && setViewer(text),
      (error: Error) => current && setViewer(`unreachable: ${error.message}`),
    );
    return () => {
      current = false;
      void next.socket.dispose();
    };
  }, [token]);

  const applyToken = (value: string) => {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
    setToken(value);
  };

  return (
    <div className="explorer">
      <TokenBar token={token} onToken={applyToken} viewer={viewer} />
      <div className="explorer-graphiql">
        {connection && <GraphiQL fetcher={connection.fetcher} defaultQuery={DEFAULT_QUERY} />}
      </div>
    </div>
  );
}

createRoot(document.getElementById('explorer')!).render(<Explorer />);
