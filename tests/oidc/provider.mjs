// A real OpenID Connect provider (the `oidc-provider` package) for the
// login test in crates/tryggve/tests/it/oidc.rs. It listens on 127.0.0.1 on
// a free port, signs with an RSA key made at start-up, and knows one person,
// who is logged in and consents without a form: the test drives the
// authorization code flow over plain HTTP.
//
// Input: OIDC_CLIENTS, a JSON list of client registrations (client_id,
// redirect_uris, token_endpoint_auth_method, …).
// Output: one line on standard output, {"issuer": "http://127.0.0.1:PORT"},
// once it listens. It runs until it is killed.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

// Standard output carries only the line above; the provider's own notices go to standard error.
console.log = console.error;
console.info = console.error;
console.warn = console.error;

const ACCOUNT = {
  sub: 'anna-5b1e',
  preferred_username: 'anna.oidc',
  name: 'Anna Oidc',
  email: 'anna.oidc@example.org',
  email_verified: true,
  organisation: 'Polisen LPO Skärholmen',
  tryggve_role: 'member',
};

const clients = JSON.parse(process.env.OIDC_CLIENTS ?? '[]');
if (clients.length === 0) {
  console.error('provider.mjs: set OIDC_CLIENTS to a JSON list of clients');
  process.exit(2);
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name', 'organisation', 'tryggve_role'],
    email: ['email', 'email_verified'],
  },
  // The claims of the granted scopes go into the ID token itself, as
  // municipal providers are usually set up to do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  async findAccount(_ctx, sub) {
    if (sub !== ACCOUNT.sub) return undefined;
    return { accountId: sub, claims: async () => ({ ...ACCOUNT }) };
  },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
});

// The interaction (login, then consent) is answered at once for ACCOUNT.
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const handle = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => {
      console.error(e);
      res.statusCode = 500;
      res.end(String(e));
    });
  } else {
    handle(req, res);
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
