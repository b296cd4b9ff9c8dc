/** The workbench settings are read and checked with the rest of the configuration. */
import { ConfigError, loadConfig } from '../../../core/config';

const base = { JWT_SECRET: 'settings-secret-settings-secret-0123456789', AUDIT_KEY: 'settings-audit-key-settings-audit-key-0123' };

describe('workbench settings', () => {
  it('defaults: 30 minutes idle, 15 minutes lock, TOTP and X-User-Id not required', () => {
    const c = loadConfig(base);
    expect(c.workbench).toEqual({ idleMinutes: 30, lockMinutes: 15, totpRequired: false, addressFailures: 30 });
    expect(c.userIdRequired).toBe(false);
  });

  it('reads them', () => {
    const c = loadConfig({ ...base, WORKBENCH_IDLE_MINUTES: '10', WORKBENCH_LOCK_MINUTES: '60', WORKBENCH_TOTP_REQUIRED: 'true', WORKBENCH_ADDRESS_FAILURES: '5', LOOKUP_USER_ID_REQUIRED: '1' });
    expect(c.workbench).toEqual({ idleMinutes: 10, lockMinutes: 60, totpRequired: true, addressFailures: 5 });
    expect(c.userIdRequired).toBe(true);
  });

  it.each([
    ['WORKBENCH_IDLE_MINUTES', '0'],
    ['WORKBENCH_LOCK_MINUTES', 'forever'],
    ['WORKBENCH_TOTP_REQUIRED', 'yes'],
    ['WORKBENCH_ADDRESS_FAILURES', '0'],
    ['LOOKUP_USER_ID_REQUIRED', 'maybe'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(name);
  });
});
