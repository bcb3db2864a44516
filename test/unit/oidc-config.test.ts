import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_OIDC_LABEL, DEFAULT_OIDC_SCOPES, loadConfig, oidcFromEnv } from '../../src/config.js';

const FULL = {
  OIDC_ISSUER: 'https://auth.agentconnect.gouv.fr/api/v2',
  OIDC_CLIENT_ID: 'parcours-vae',
  OIDC_CLIENT_SECRET: 's3cr3t',
};

describe('OIDC_* configuration', () => {
  it('is off when no variable is set (or only the optional ones)', () => {
    assert.equal(oidcFromEnv({}), null);
    assert.equal(oidcFromEnv({ OIDC_SCOPES: 'openid email', OIDC_LABEL: 'Entrer' }), null);
    assert.equal(oidcFromEnv({ OIDC_ISSUER: '', OIDC_CLIENT_ID: ' ' }), null, 'empty counts as unset');
    assert.equal(loadConfig({}).oidc, null);
  });

  it('is on with the three required variables, with ProConnect defaults', () => {
    assert.deepEqual(oidcFromEnv(FULL), {
      issuer: FULL.OIDC_ISSUER,
      clientId: 'parcours-vae',
      clientSecret: 's3cr3t',
      scopes: DEFAULT_OIDC_SCOPES,
      label: DEFAULT_OIDC_LABEL,
    });
    assert.equal(DEFAULT_OIDC_SCOPES, 'openid email given_name usual_name');
    assert.equal(DEFAULT_OIDC_LABEL, 'Se connecter avec ProConnect');
    assert.deepEqual(loadConfig(FULL).oidc, oidcFromEnv(FULL));
  });

  it('takes the scopes and the label when given', () => {
    const oidc = oidcFromEnv({
      ...FULL,
      OIDC_SCOPES: '  openid   email profile ',
      OIDC_LABEL: 'Se connecter (SSO)',
    });
    assert.equal(oidc?.scopes, 'openid email profile');
    assert.equal(oidc?.label, 'Se connecter (SSO)');
  });

  it('refuses a partial configuration, naming the missing variables', () => {
    assert.throws(
      () => oidcFromEnv({ OIDC_ISSUER: FULL.OIDC_ISSUER }),
      (err: Error) => {
        const missing = err.message.split(' (set ')[0]!;
        return (
          /OIDC_CLIENT_ID, OIDC_CLIENT_SECRET are missing$/.test(missing) && !missing.includes('OIDC_ISSUER')
        );
      },
    );
    assert.throws(
      () => oidcFromEnv({ OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' }),
      /OpenID Connect is partly configured: OIDC_ISSUER is missing/,
    );
    assert.throws(() => oidcFromEnv({ ...FULL, OIDC_CLIENT_SECRET: '' }), /: OIDC_CLIENT_SECRET is missing/);
    assert.throws(() => loadConfig({ OIDC_CLIENT_ID: 'x' }), /OIDC_ISSUER, OIDC_CLIENT_SECRET are missing/);
  });

  it('refuses an issuer that is not an https URL (plain http only on this machine)', () => {
    assert.throws(
      () => oidcFromEnv({ ...FULL, OIDC_ISSUER: 'auth.example.fr' }),
      /OIDC_ISSUER must be a URL/,
    );
    assert.throws(
      () => oidcFromEnv({ ...FULL, OIDC_ISSUER: 'http://auth.example.fr' }),
      /OIDC_ISSUER must be an https:\/\/ URL/,
    );
    assert.equal(
      oidcFromEnv({ ...FULL, OIDC_ISSUER: 'http://127.0.0.1:8080' })?.issuer,
      'http://127.0.0.1:8080',
    );
    assert.equal(
      oidcFromEnv({ ...FULL, OIDC_ISSUER: 'http://localhost:8080/op' })?.issuer,
      'http://localhost:8080/op',
    );
  });

  it('refuses scopes without openid', () => {
    assert.throws(
      () => oidcFromEnv({ ...FULL, OIDC_SCOPES: 'email profile' }),
      /OIDC_SCOPES must include "openid"/,
    );
  });
});
